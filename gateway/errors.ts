import { ProtocolErrorCode, SealtrailError } from "#protocol";

/** Refusal codes the gateway adds to the protocol's own (docs/protocol.md lists both). */
export const GatewayRefusalCode = {
  NotAuthorizedTopic: "NOT_AUTHORIZED_TOPIC",
  QosNotSupported: "QOS_NOT_SUPPORTED",
  UnknownDevice: "UNKNOWN_DEVICE",
  RevokedDevice: "REVOKED_DEVICE",
  Equivocation: "EQUIVOCATION",
  ClockSkew: "CLOCK_SKEW",
  RateLimited: "RATE_LIMITED",
  TokenReplayed: "TOKEN_REPLAYED",
  Unavailable: "UNAVAILABLE",
  /** An MQTT packet declares a remaining length above the configured maximum; the socket is closed at once. */
  FrameTooLarge: "FRAME_TOO_LARGE",
  /** Bytes that are not MQTT 3.1.1 framing (reserved type, bad flags, CONNECT not first, 5-byte length). */
  MalformedFrame: "MALFORMED_FRAME",
  /** A PUBLISH or SUBSCRIBE topic the broker refuses outright: wildcards in a PUBLISH, too many levels. */
  InvalidTopic: "INVALID_TOPIC",
  /** A CONNECT for another MQTT version than 3.1.1 (protocol name "MQTT", level 4): CONNACK 1. */
  UnsupportedMqttVersion: "UNSUPPORTED_MQTT_VERSION",
  /** Too many CONNECTs from one IP address within the allowed rate. */
  ConnectionRateLimited: "CONNECTION_RATE_LIMITED",
} as const;
export type GatewayRefusalCode = (typeof GatewayRefusalCode)[keyof typeof GatewayRefusalCode];

/** Every reason an input can be refused with. */
export type RefusalCode = GatewayRefusalCode | ProtocolErrorCode;
export const REFUSAL_CODES: readonly RefusalCode[] = [
  ...Object.values(GatewayRefusalCode),
  ...Object.values(ProtocolErrorCode),
];

/** A refusal of device input: reported to the device, logged and counted; nothing is stored. */
export class Refusal extends SealtrailError {
  override name = "Refusal";
  declare readonly code: RefusalCode;
  constructor(code: RefusalCode, shortMessage: string, details: Record<string, unknown> = {}) {
    super(code, shortMessage, { details });
  }
}
