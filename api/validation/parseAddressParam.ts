import { type Address, isProtocolError, normalizeAddress } from "#protocol";
import { ApiError, ApiErrorCode } from "../errors.ts";

/**
 * A device address from a URL: lowercase, all-uppercase or valid EIP-55; returns the lowercase form.
 * @example parseAddressParam("0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf") // "0x7e5f…5bdf"
 */
export function parseAddressParam(value: unknown): Address {
  try {
    return normalizeAddress(typeof value === "string" ? value : "");
  } catch (cause) {
    if (!isProtocolError(cause)) throw cause;
    throw new ApiError(400, ApiErrorCode.InvalidAddress, cause.shortMessage, { cause });
  }
}
