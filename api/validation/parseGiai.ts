import { isGs1Error, parseDigitalLink, parseEpcUrn, validateKey } from "#gs1";
import { ApiError, ApiErrorCode } from "../errors.ts";

/**
 * A device's GIAI as given at registration: the bare key (`0614141ABC123`), its EPC URN
 * (`urn:epc:id:giai:0614141.ABC123`) or a GS1 Digital Link (`https://id.gs1.org/8004/0614141ABC123`, any
 * domain), checked by gs1/ (company prefix, set 82, length). Returns the bare key, the form the store keeps:
 * the AssociationEvents that attach the device to a unit may name it in either syntax. Throws INVALID_GIAI.
 * @example parseGiai("urn:epc:id:giai:0614141.ABC123") // "0614141ABC123"
 */
export function parseGiai(value: unknown): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 200) {
    throw new ApiError(400, ApiErrorCode.InvalidGiai, "giai must be a GIAI, its EPC URN or its Digital Link");
  }
  try {
    const key = value.startsWith("urn:")
      ? parseEpcUrn(value).key
      : /^https?:\/\//i.test(value)
        ? parseDigitalLink(value).key
        : validateKey({ type: "giai", giai: value });
    if (key.type !== "giai") {
      throw new ApiError(400, ApiErrorCode.InvalidGiai, `giai names a ${key.type}, not a GIAI`);
    }
    return key.giai;
  } catch (cause) {
    if (!isGs1Error(cause)) throw cause;
    throw new ApiError(400, ApiErrorCode.InvalidGiai, `giai is not valid: ${cause.shortMessage}`, { cause });
  }
}
