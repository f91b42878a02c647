import { assertAlphanumeric } from "./characterSet82.ts";
import { IDENTIFYING_AIS, MAX_ATTRIBUTE_LENGTH } from "./digitalLinkSyntax.ts";
import { Gs1ErrorCode, refuse } from "./errors.ts";
import { type Gs1Key, MAX_LENGTH } from "./keys.ts";
import { encodeDigitalLinkValue } from "./percentEncoding.ts";
import { validateKey } from "./validateKey.ts";

/** The canonical GS1 resolver: a URI on it is the identifier's "canonical" Digital Link. */
export const GS1_CANONICAL_PREFIX = "https://id.gs1.org";

export type BuildDigitalLinkOptions = {
  /** Scheme, host and any path prefix before the primary key, without a trailing slash. */
  readonly prefix?: string;
  /** Consumer product variant (AI 22), only with a GTIN-based key. */
  readonly cpv?: string;
  /** A lot (AI 10) next to the serial of an SGTIN. */
  readonly lot?: string;
  /** GS1 data attributes for the query string, AI → value (e.g. { "17": "261231" } for an expiry date). */
  readonly attributes?: Readonly<Record<string, string>>;
};

/** The path elements (AI, value) of a validated key, primary key first, qualifiers in the standard's order. */
function pathElements(key: Gs1Key, options: BuildDigitalLinkOptions): [string, string][] {
  switch (key.type) {
    case "gtin":
    case "sgtin":
    case "lgtin": {
      const out: [string, string][] = [["01", key.gtin]];
      if (options.cpv !== undefined) out.push(["22", options.cpv]);
      if (key.type === "lgtin") out.push(["10", key.lot]);
      if (key.type === "sgtin" && options.lot !== undefined) out.push(["10", options.lot]);
      if (key.type === "sgtin") out.push(["21", key.serial]);
      return out;
    }
    case "sscc":
      return [["00", key.sscc]];
    case "gln":
      return key.extension === undefined
        ? [["414", key.gln]]
        : [
            ["414", key.gln],
            ["254", key.extension],
          ];
    case "giai":
      return [["8004", key.giai]];
    case "grai":
      // AI 8003 is one element: the 14 digits and the serial written right after them.
      return [["8003", key.grai + (key.serial ?? "")]];
  }
}

/**
 * Builds the GS1 Digital Link URI of a key: `{prefix}/01/{gtin}[/22/{cpv}][/10/{lot}][/21/{serial}]`,
 * `/00/{sscc}`, `/414/{gln}[/254/{ext}]`, `/8004/{giai}`, `/8003/{grai}`; numeric AIs (not the deprecated
 * short names), GTINs as 14 digits, values percent-encoded, data attributes in the query string.
 * @example buildDigitalLink({ type: "sgtin", gtin: "09506000134352", serial: "A/1" })
 *   // "https://id.gs1.org/01/09506000134352/21/A%2F1"
 */
export function buildDigitalLink(key: Gs1Key, options: BuildDigitalLinkOptions = {}): string {
  const canonical = validateKey(key);
  const prefix = options.prefix ?? GS1_CANONICAL_PREFIX;
  if (!/^https?:\/\/[^/?#]+(?:\/[^?#]*[^/?#])?$/i.test(prefix)) {
    refuse(
      Gs1ErrorCode.InvalidDigitalLink,
      "a Digital Link prefix is http(s)://host[/path] without query, fragment or trailing slash",
      "GS1 Digital Link URI Syntax: custom domain and path prefix",
      prefix,
    );
  }
  const gtinBased = canonical.type === "gtin" || canonical.type === "sgtin" || canonical.type === "lgtin";
  if (options.cpv !== undefined) {
    if (!gtinBased) {
      refuse(
        Gs1ErrorCode.InvalidDigitalLink,
        "a CPV (AI 22) qualifies a GTIN only",
        "GS1 Digital Link URI Syntax: key qualifiers of AI 01 are 22, 10, 21",
        canonical.type,
      );
    }
    assertAlphanumeric(options.cpv, MAX_LENGTH.cpv, "CPV (AI 22)");
  }
  if (options.lot !== undefined) {
    if (canonical.type !== "sgtin") {
      refuse(
        Gs1ErrorCode.InvalidArgument,
        "the lot option goes with an SGTIN; an LGTIN carries its own lot",
        "buildDigitalLink options",
        canonical.type,
      );
    }
    assertAlphanumeric(options.lot, MAX_LENGTH.lot, "lot (AI 10)");
  }
  let uri = prefix;
  for (const [ai, value] of pathElements(canonical, options))
    uri += `/${ai}/${encodeDigitalLinkValue(value)}`;
  const attributes = Object.entries(options.attributes ?? {});
  if (attributes.length > 0) {
    const query = attributes.map(([ai, value]) => {
      if (!/^[0-9]{2,4}$/.test(ai) || IDENTIFYING_AIS.has(ai)) {
        refuse(
          Gs1ErrorCode.InvalidDigitalLink,
          "a data attribute is named by a numeric AI that is neither a key nor a key qualifier",
          "GS1 Digital Link URI Syntax: keys and qualifiers in the path, data attributes in the query string",
          ai,
        );
      }
      assertAlphanumeric(value, MAX_ATTRIBUTE_LENGTH, `AI ${ai}`);
      return `${ai}=${encodeDigitalLinkValue(value)}`;
    });
    uri += `?${query.join("&")}`;
  }
  return uri;
}
