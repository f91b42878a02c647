import { isGs1Error, normaliseGtin } from "#gs1";
import { ApiError, ApiErrorCode } from "../errors.ts";

/** The profile key of the profile that applies to every GTIN without its own. */
export const DEFAULT_PROFILE_KEY = "default";

/**
 * The `{gtin}` of a profile route: a GTIN-8/12/13/14 with its check digit, returned as 14 digits, or
 * `default`. Throws INVALID_GTIN.
 * @example parseGtinParam("614141123452") // "00614141123452"
 */
export function parseGtinParam(value: unknown): string {
  if (value === DEFAULT_PROFILE_KEY) return value;
  try {
    return normaliseGtin(typeof value === "string" ? value : "");
  } catch (cause) {
    if (!isGs1Error(cause)) throw cause;
    throw new ApiError(400, ApiErrorCode.InvalidGtin, `not a GTIN: ${cause.shortMessage}`, { cause });
  }
}
