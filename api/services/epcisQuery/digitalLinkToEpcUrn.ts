import { type Gs1Key, isGs1Error, keyToEpcUrn, parseDigitalLink } from "#gs1";

/**
 * The digits of a key where its GS1 Company Prefix starts: after the indicator digit of a GTIN, the
 * extension digit of an SSCC and the filler zero of a GRAI; at the start of a GLN and a GIAI.
 */
function prefixedDigits(key: Gs1Key): string {
  switch (key.type) {
    case "gtin":
    case "sgtin":
    case "lgtin":
      return key.gtin.slice(1);
    case "sscc":
      return key.sscc.slice(1);
    case "grai":
      return key.grai.slice(1);
    case "gln":
      return key.gln;
    case "giai":
      return key.giai;
  }
}

/**
 * An identifier as an EPC URN, when it is a GS1 Digital Link (any domain): `undefined` when it is not one
 * (an EPC URN already, or a URI of the company's own, which no conversion applies to); `null` when it is
 * one that cannot be written as a URN without guessing — no known company prefix starts its key (the URN
 * splits the key where the prefix ends, and a wrong split is a different, valid-looking EPC), a consumer
 * product variant (AI 22, which no EPC scheme carries), or a GRAI without serial (a kind of asset, no EPC).
 * A lot next to a serial and data attributes are dropped: the serial alone identifies the object.
 * @example digitalLinkToEpcUrn("https://id.gs1.org/00/040123450000000017", ["4012345"]) // "urn:epc:id:sscc:4012345.0000000001"
 */
export function digitalLinkToEpcUrn(id: string, prefixes: readonly string[]): string | null | undefined {
  if (!/^https?:\/\//i.test(id)) return undefined;
  let key: Gs1Key;
  let cpv: string | undefined;
  try {
    ({ key, cpv } = parseDigitalLink(id));
  } catch (cause) {
    if (isGs1Error(cause)) return undefined;
    throw cause;
  }
  if (cpv !== undefined) return null;
  const digits = prefixedDigits(key);
  const prefix = prefixes.find((p) => digits.startsWith(p));
  if (prefix === undefined) return null;
  try {
    return keyToEpcUrn(key, prefix.length);
  } catch (cause) {
    if (isGs1Error(cause)) return null;
    throw cause;
  }
}
