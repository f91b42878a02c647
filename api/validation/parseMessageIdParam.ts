import type { Hex } from "#protocol";
import { ApiError, ApiErrorCode } from "../errors.ts";

const MESSAGE_ID_RE = /^0x[0-9a-fA-F]{64}$/;

/**
 * A message id (keccak256 of the raw message, 32 bytes) from a URL; returns it lowercase.
 * @example parseMessageIdParam("0xAB…") // "0xab…"
 */
export function parseMessageIdParam(value: unknown): Hex {
  if (typeof value !== "string" || !MESSAGE_ID_RE.test(value)) {
    throw new ApiError(400, ApiErrorCode.InvalidMessageId, "message id must be 0x followed by 64 hex digits");
  }
  return value.toLowerCase() as Hex;
}
