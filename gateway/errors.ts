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
