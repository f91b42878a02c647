import { assertAlphanumeric } from "./characterSet82.ts";
import {
  IDENTIFYING_AIS,
  MAX_ATTRIBUTE_LENGTH,
  PRIMARY_KEYS,
  QUALIFIERS,
  SHORT_NAMES,
} from "./digitalLinkSyntax.ts";
import { Gs1ErrorCode, refuse } from "./errors.ts";
import { type Gs1Key, MAX_LENGTH } from "./keys.ts";
import { decodeDigitalLinkValue } from "./percentEncoding.ts";
import { validateKey } from "./validateKey.ts";

/** A GS1 Digital Link URI taken apart. */
export type ParsedDigitalLink = {
  /** Scheme, host and path prefix before the primary key, as written: "https://example.com/products". */
  readonly prefix: string;
  /** The most specific key the path names: an SGTIN when it has a serial, an LGTIN when only a lot. */
  readonly key: Gs1Key;
  /** Consumer product variant (AI 22), when present. */
  readonly cpv?: string;
  /** A lot (AI 10) written next to a serial (an LGTIN key carries its lot itself). */
  readonly lot?: string;
  /** GS1 data attributes from the query string, AI → decoded value. */
  readonly attributes: Readonly<Record<string, string>>;
};

const URI = /^(https?:\/\/[^/?#]+)(\/[^?#]*)?(?:\?([^#]*))?(?:#.*)?$/i;
const RULE_PATH = "GS1 Digital Link URI Syntax: /{primary key AI}/{value}[/{qualifier AI}/{value}...]";

function invalid(message: string, rule: string, value: string): never {
  return refuse(Gs1ErrorCode.InvalidDigitalLink, message, rule, value);
}

/** The numeric AI a path segment names (short names mapped), or undefined. */
function aiOf(segment: string): string | undefined {
  if (Object.hasOwn(PRIMARY_KEYS, segment) || QUALIFIERS.has(segment)) return segment;
  return SHORT_NAMES[segment];
}

function keyFrom(primary: string, value: string, qualifiers: ReadonlyMap<string, string>): Gs1Key {
  switch (primary) {
    case "01": {
      const serial = qualifiers.get("21");
      const lot = qualifiers.get("10");
      if (serial !== undefined) return validateKey({ type: "sgtin", gtin: value, serial });
      if (lot !== undefined) return validateKey({ type: "lgtin", gtin: value, lot });
      return validateKey({ type: "gtin", gtin: value });
    }
    case "00":
      return validateKey({ type: "sscc", sscc: value });
    case "414": {
      const extension = qualifiers.get("254");
      return validateKey(
        extension === undefined ? { type: "gln", gln: value } : { type: "gln", gln: value, extension },
      );
    }
    case "8004":
      return validateKey({ type: "giai", giai: value });
    default: {
      // AI 8003: 14 digits, then the optional serial in the same element.
      if (!/^[0-9]{14}/.test(value)) {
        refuse(
          Gs1ErrorCode.InvalidKeyFormat,
          "a GRAI starts with 14 digits",
          "GS1 General Specifications, AI 8003: GRAI is N14 + X..16",
          value,
        );
      }
      const serial = value.slice(14);
      const grai = value.slice(0, 14);
      return validateKey(serial === "" ? { type: "grai", grai } : { type: "grai", grai, serial });
    }
  }
}

/**
 * Parses a GS1 Digital Link URI on any domain and path prefix. The path is read from the right, in
 * (AI, value) pairs, until the primary key: so a prefix may hold anything, and a value never passes for an
 * AI. Qualifiers must follow the standard's order (22, 10, 21 after a GTIN; 254 after a GLN). Values are
 * percent-decoded and checked (check digits, set 82, lengths); GTIN-8/12/13 come back as 14 digits. In the
 * query string, GS1 data attributes (numeric AIs) are kept and other parameters (linkType, ...) ignored, as
 * the standard asks; a key or key qualifier there is refused. The fragment is ignored.
 * @example parseDigitalLink("https://example.com/p/01/9506000134352/10/L1/21/S%2F1?17=261231&linkType=all")
 *   // { prefix: "https://example.com/p", key: { type: "sgtin", gtin: "09506000134352", serial: "S/1" },
 *   //   lot: "L1", attributes: { "17": "261231" } }
 */
export function parseDigitalLink(uri: string): ParsedDigitalLink {
  if (typeof uri !== "string") return refuse(Gs1ErrorCode.InvalidArgument, "a URI is a string", "uri", uri);
  const match = URI.exec(uri);
  if (!match) return invalid("not an http(s) URI with a host", "RFC 3986 / GS1 Digital Link URI Syntax", uri);
  const authority = match[1]!;
  // One trailing slash is tolerated: links in the wild carry it and it cannot change the key.
  const path = (match[2] ?? "").replace(/\/$/, "");
  const segments = path === "" ? [] : path.slice(1).split("/");

  const qualifiers = new Map<string, string>();
  const seen: string[] = [];
  let primaryAt = -1;
  for (let i = segments.length - 2; i >= 0; i -= 2) {
    const ai = aiOf(segments[i]!);
    if (ai !== undefined && Object.hasOwn(PRIMARY_KEYS, ai)) {
      primaryAt = i;
      break;
    }
    if (ai === undefined || !QUALIFIERS.has(ai)) break;
    if (qualifiers.has(ai)) invalid(`key qualifier ${ai} appears twice`, RULE_PATH, uri);
    qualifiers.set(ai, decodeDigitalLinkValue(segments[i + 1]!));
    seen.unshift(ai);
  }
  if (primaryAt < 0)
    return invalid("no GS1 primary key (01, 00, 414, 8003, 8004) in the path", RULE_PATH, uri);

  const primary = aiOf(segments[primaryAt]!)!;
  const allowed = PRIMARY_KEYS[primary]!;
  let last = -1;
  for (const ai of seen) {
    const position = allowed.indexOf(ai);
    if (position < 0) invalid(`AI ${ai} is not a key qualifier of AI ${primary}`, RULE_PATH, uri);
    if (position < last) {
      invalid(
        `key qualifiers of AI ${primary} must come in the order ${allowed.join(", ")}`,
        "GS1 Digital Link URI Syntax: key qualifiers in the prescribed order",
        uri,
      );
    }
    last = position;
  }

  const key = keyFrom(primary, decodeDigitalLinkValue(segments[primaryAt + 1]!), qualifiers);
  const cpv = qualifiers.get("22");
  if (cpv !== undefined) assertAlphanumeric(cpv, MAX_LENGTH.cpv, "CPV (AI 22)");
  const lot = key.type === "sgtin" ? qualifiers.get("10") : undefined;
  if (lot !== undefined) assertAlphanumeric(lot, MAX_LENGTH.lot, "lot (AI 10)");

  const attributes: Record<string, string> = {};
  for (const pair of (match[3] ?? "").split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = decodeDigitalLinkValue(eq < 0 ? pair : pair.slice(0, eq));
    if (!/^[0-9]{2,4}$/.test(name)) continue; // not a GS1 AI: linkType, context, tracking parameters
    if (IDENTIFYING_AIS.has(name)) {
      invalid(
        `AI ${name} identifies: it belongs in the path, not the query string`,
        "GS1 Digital Link URI Syntax: keys and qualifiers in the path, data attributes in the query string",
        uri,
      );
    }
    if (Object.hasOwn(attributes, name)) invalid(`data attribute ${name} appears twice`, RULE_PATH, uri);
    const value = decodeDigitalLinkValue(eq < 0 ? "" : pair.slice(eq + 1));
    assertAlphanumeric(value, MAX_ATTRIBUTE_LENGTH, `AI ${name}`);
    attributes[name] = value;
  }

  const prefix =
    authority +
    segments
      .slice(0, primaryAt)
      .map((s) => `/${s}`)
      .join("");
  return {
    prefix,
    key,
    ...(cpv === undefined ? {} : { cpv }),
    ...(lot === undefined ? {} : { lot }),
    attributes,
  };
}
