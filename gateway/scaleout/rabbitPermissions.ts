/**
 * What a device may do on RabbitMQ once logged in, answered for rabbitmq_auth_backend_http's vhost_path,
 * resource_path and topic_path. RabbitMQ's MQTT plugin (3.10) maps a device's MQTT session onto AMQP
 * objects: it publishes to the topic exchange `amq.topic` with the MQTT topic as routing key ('/' → '.',
 * '+' → '*'), and a subscription is a queue `mqtt-subscription-{clientId}qos{0|1}` bound to `amq.topic`.
 * So a device needs exactly: its own subscription queues, read and write on `amq.topic`, publish under
 * its own readings routing key and bind under its own `devices.{address}.` prefix — the embedded broker's
 * authorizePublish/authorizeSubscribe rules, in RabbitMQ's terms. Everything else is denied, including
 * every object of Sealtrail's readings topology (only gateways, authenticated by RabbitMQ's internal
 * backend, touch it). Every function expects the username already checked to be a device address by
 * the user login (checkConnectToken: clientId = username).
 */

/** The exchange RabbitMQ's MQTT plugin publishes to and binds subscriptions on (its `mqtt.exchange`). */
export const MQTT_EXCHANGE = "amq.topic";

/** The routing key RabbitMQ's MQTT plugin gives a device's readings PUBLISH. */
export const readingsRoutingKey = (device: string): string => `devices.${device}.readings`;

/** The routing key under which the MQTT plugin delivers `devices/{device}/errors` to the device. */
export const errorsRoutingKey = (device: string): string => `devices.${device}.errors`;

export type ResourceRequest = {
  username: string;
  vhost: string;
  resource: string;
  name: string;
  permission: string;
};

export type TopicRequest = ResourceRequest & { routingKey: string };

/** resource_path: a device's own MQTT subscription queues, and `amq.topic` to publish and bind on. */
export function mayUseResource(request: ResourceRequest, vhost: string): boolean {
  if (request.vhost !== vhost) return false;
  const { username, resource, name, permission } = request;
  if (resource === "queue") {
    return (
      (name === `mqtt-subscription-${username}qos0` || name === `mqtt-subscription-${username}qos1`) &&
      (permission === "configure" || permission === "read" || permission === "write")
    );
  }
  if (resource === "exchange")
    return name === MQTT_EXCHANGE && (permission === "read" || permission === "write");
  return false;
}

/**
 * topic_path: publish (write) only to the device's own readings topic; subscribe (read: the binding key
 * of a subscription) only under `devices.{address}.` [MQTT-3.8.3-1 filters map to binding keys].
 */
export function mayUseTopic(request: TopicRequest, vhost: string): boolean {
  if (request.vhost !== vhost || request.resource !== "topic" || request.name !== MQTT_EXCHANGE) return false;
  const { username, routingKey, permission } = request;
  if (permission === "write") return routingKey === readingsRoutingKey(username);
  if (permission === "read") return routingKey.startsWith(`devices.${username}.`);
  return false;
}
