// Public API of gateway/broker/: the aedes hooks and what guards the sockets in front of aedes.
export { createAuthenticate } from "./authenticate.ts";
export { createAuthorizePublish } from "./authorizePublish.ts";
export { createAuthorizeSubscribe } from "./authorizeSubscribe.ts";
export type { BrokerContext } from "./context.ts";
export { GuardedConnection, type GuardFramesOptions, guardFrames } from "./guardFrames.ts";
export { type FrameRefusal, MqttFrameScanner } from "./mqttFrameScanner.ts";
export { createPreConnect } from "./preConnect.ts";
export { TokenBuckets, type TokenBucketsOptions } from "./tokenBuckets.ts";
export { UsedTokens } from "./usedTokens.ts";
export { watchClientErrors } from "./watchClientErrors.ts";
export { watchRevocations } from "./watchRevocations.ts";
