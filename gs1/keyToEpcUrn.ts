import { escapeEpcComponent } from "./epcUriEscaping.ts";
import { Gs1ErrorCode, refuse } from "./errors.ts";
import type { Gs1Key } from "./keys.ts";
import { validateKey } from "./validateKey.ts";

const TDS_PREFIX_RULE = "EPC Tag Data Standard: the GS1 Company Prefix of an EPC URI has 6 to 12 digits";

/**
 * The EPC URN of a key: `urn:epc:id:sgtin|sscc|sgln|giai|grai:…`, `urn:epc:class:lgtin:…` for a lot and
 * `urn:epc:idpat:sgtin:….*` for a GTIN without lot or serial (how EPCIS writes such an epcClass).
 *
 * An EPC URN splits the key at the end of its GS1 Company Prefix (`0614141.107346.2017`), and that length
 * cannot be read from the key: company prefixes of 6 to 12 digits share the same key space and only GS1's
 * allocation tables tell where one ends. So the caller says it (from its own master data), and it is checked
 * against the key (e.g. a GRAI's asset type cannot be negative in length).
 * @example keyToEpcUrn({ type: "sgtin", gtin: "10614141073464", serial: "2017" }, 7)
 *   // "urn:epc:id:sgtin:0614141.107346.2017"
 */
export function keyToEpcUrn(key: Gs1Key, companyPrefixLength: number): string {
  const k = validateKey(key);
  const L = companyPrefixLength;
  if (!Number.isInteger(L) || L < 6 || L > 12) {
    refuse(
      Gs1ErrorCode.InvalidCompanyPrefixLength,
      "company prefix length must be 6..12",
      TDS_PREFIX_RULE,
      L,
    );
  }
  switch (k.type) {
    case "gtin":
    case "sgtin":
    case "lgtin": {
      // GTIN-14 = indicator digit + company prefix + item reference + check digit; the URN moves the
      // indicator in front of the item reference and drops the check digit.
      const companyPrefix = k.gtin.slice(1, 1 + L);
      const itemReference = k.gtin[0] + k.gtin.slice(1 + L, 13);
      const base = `${companyPrefix}.${itemReference}`;
      if (k.type === "sgtin") return `urn:epc:id:sgtin:${base}.${escapeEpcComponent(k.serial)}`;
      if (k.type === "lgtin") return `urn:epc:class:lgtin:${base}.${escapeEpcComponent(k.lot)}`;
      return `urn:epc:idpat:sgtin:${base}.*`;
    }
    case "sscc":
      // SSCC = extension digit + company prefix + serial reference + check digit.
      return `urn:epc:id:sscc:${k.sscc.slice(1, 1 + L)}.${k.sscc[0]}${k.sscc.slice(1 + L, 17)}`;
    case "gln":
      // "0" stands for "no extension (AI 254)".
      return `urn:epc:id:sgln:${k.gln.slice(0, L)}.${k.gln.slice(L, 12)}.${escapeEpcComponent(k.extension ?? "0")}`;
    case "giai": {
      if (!/^[0-9]+$/.test(k.giai.slice(0, L)) || k.giai.length <= L) {
        refuse(
          Gs1ErrorCode.InvalidCompanyPrefixLength,
          `this GIAI does not start with a ${L}-digit company prefix followed by an asset reference`,
          TDS_PREFIX_RULE,
          k.giai,
        );
      }
      return `urn:epc:id:giai:${k.giai.slice(0, L)}.${escapeEpcComponent(k.giai.slice(L))}`;
    }
    case "grai":
      if (k.serial === undefined) {
        refuse(
          Gs1ErrorCode.InvalidEpcUrn,
          "a GRAI without serial names a kind of asset, not an instance: it has no EPC",
          "EPC Tag Data Standard: GRAI EPC URI = company prefix . asset type . serial",
          k.grai,
        );
      }
      // GRAI = filler 0 + company prefix + asset type + check digit.
      return `urn:epc:id:grai:${k.grai.slice(1, 1 + L)}.${k.grai.slice(1 + L, 13)}.${escapeEpcComponent(k.serial)}`;
  }
}
