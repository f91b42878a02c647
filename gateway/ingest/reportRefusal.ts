import { bytesToHex, encodeCbor, type Hex, keccak256 } from "#protocol";
import { GatewayRefusalCode, type Refusal } from "../errors.ts";
import type { GatewayMetrics } from "../metrics.ts";
import type { RefusalLog } from "../refusalLog.ts";

/** The CBOR map published on `devices/{address}/errors` (docs/protocol.md §9). */
export function refusalBody(messageId: string | null, refusal: Refusal): Record<string, string | null> {
  return { id: messageId, code: refusal.code, detail: refusal.shortMessage };
}

/** The errors-topic notice for a refusal, CBOR-encoded. */
export function encodeRefusalNotice(messageId: string | null, refusal: Refusal): Buffer {
  return Buffer.from(encodeCbor(new Map(Object.entries(refusalBody(messageId, refusal)))));
}

/** The id a refusal notice names: the message's id, unless the message was over the size limit. */
export function refusedMessageId(raw: Uint8Array, maxMessageBytes: number): Hex | null {
  return raw.length <= maxMessageBytes ? bytesToHex(keccak256(raw)) : null;
}

/**
 * Counts and logs a refusal of a device's input (one log line, one counter by reason; equivocation
 * also has its own counter). Publishing the notice is the caller's: it differs between broker modes.
 */
export function recordRefusal(
  deps: { metrics: GatewayMetrics; refusalLog: RefusalLog },
  device: string,
  refusal: Refusal,
  messageId: string | null,
): void {
  deps.metrics.refused.inc({ reason: refusal.code });
  if (refusal.code === GatewayRefusalCode.Equivocation) deps.metrics.equivocations.inc();
  deps.refusalLog.warn(refusal.code, { device, detail: refusal.shortMessage, messageId }, "reading refused");
}
