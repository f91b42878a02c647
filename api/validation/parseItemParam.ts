import {
  canonicalIdentifier,
  GS1_CANONICAL_PREFIX,
  type Gs1Key,
  isGs1Error,
  parseDigitalLink,
  parseEpcUrn,
} from "#gs1";
import { ApiError, ApiErrorCode } from "../errors.ts";

/** An item whose provenance is asked for. */
export type ItemRef = {
  /** The item as events name it in the store: a canonical GS1 Digital Link (gs1/ canonicalIdentifier). */
  id: string;
  key: Gs1Key;
  /** Its GTIN (14 digits) when it has one: the temperature profile is the GTIN's. */
  gtin: string | null;
};

/**
 * The `item` of a provenance request: a GS1 Digital Link URI on any domain, a Digital Link path
 * (`/01/{gtin}/21/{serial}`, read on id.gs1.org), or an EPC URN (`urn:epc:id:sgtin:…`, `…:sscc:…`). Parsed
 * strictly by gs1/ (check digits, character set), then canonicalised exactly as capture canonicalises the
 * identifiers of an event, so either syntax finds the same events. Throws INVALID_ITEM.
 * @example parseItemParam("/01/09506000134352/21/A1").id // "https://id.gs1.org/01/09506000134352/21/A1"
 */
export function parseItemParam(value: unknown): ItemRef {
  if (typeof value !== "string" || value.length === 0 || value.length > 512) {
    throw new ApiError(400, ApiErrorCode.InvalidItem, "item must be a GS1 Digital Link or an EPC URN");
  }
  const text = value.startsWith("/") ? `${GS1_CANONICAL_PREFIX}${value}` : value;
  let key: Gs1Key;
  try {
    key = text.startsWith("urn:") ? parseEpcUrn(text).key : parseDigitalLink(text).key;
  } catch (cause) {
    if (!isGs1Error(cause)) throw cause;
    throw new ApiError(400, ApiErrorCode.InvalidItem, `item is not valid: ${cause.shortMessage}`, { cause });
  }
  const id = canonicalIdentifier(text);
  if (id === undefined) throw new ApiError(400, ApiErrorCode.InvalidItem, "item names no GS1 object");
  const gtin = key.type === "sgtin" || key.type === "lgtin" || key.type === "gtin" ? key.gtin : null;
  return { id, key, gtin };
}
