// Public API of gateway/external/.
export { ExternalConsumer, type ExternalConsumerOptions } from "./ExternalConsumer.ts";
