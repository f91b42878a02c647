// Public API of gateway/scaleout/: the RabbitMQ scale-out mode (docs/operations.md, "Scale-out on RabbitMQ").
export {
  declareReadingsTopology,
  READINGS_BINDING,
  READINGS_EXCHANGE,
  type ReadingsTopology,
  readingsQueue,
} from "./declareReadingsTopology.ts";
export { ScaleoutError, ScaleoutErrorCode } from "./errors.ts";
export { type AuthForm, parseAuthForm } from "./parseAuthForm.ts";
export { RabbitAuthService, type RabbitAuthServiceOptions } from "./RabbitAuthService.ts";
export { RabbitConsumer, type RabbitConsumerOptions } from "./RabbitConsumer.ts";
export {
  errorsRoutingKey,
  MQTT_EXCHANGE,
  mayUseResource,
  mayUseTopic,
  type ResourceRequest,
  readingsRoutingKey,
  type TopicRequest,
} from "./rabbitPermissions.ts";
