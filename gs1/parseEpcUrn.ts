import { gs1CheckDigit } from "./checkDigit.ts";
import { unescapeEpcComponent } from "./epcUriEscaping.ts";
import { Gs1ErrorCode, refuse } from "./errors.ts";
import type { Gs1Key } from "./keys.ts";
import { validateKey } from "./validateKey.ts";

/** A key read from an EPC URN, with the company prefix length the URN revealed. */
export type ParsedEpcUrn = { readonly key: Gs1Key; readonly companyPrefixLength: number };

const SCHEMES: Readonly<Record<string, { parts: number; digits: number }>> = {
  // scheme → number of dot-separated components, and digits in company prefix + second component.
  "id:sgtin": { parts: 3, digits: 13 },
  "class:lgtin": { parts: 3, digits: 13 },
  "idpat:sgtin": { parts: 3, digits: 13 },
  "id:sscc": { parts: 2, digits: 17 },
  "id:sgln": { parts: 3, digits: 12 },
  "id:grai": { parts: 3, digits: 12 },
  "id:giai": { parts: 2, digits: 0 },
};

/**
 * Reads an EPC URN back into a GS1 key, recomputing the check digit the URN leaves out:
 * `urn:epc:id:sgtin|sscc|sgln|grai|giai:…`, `urn:epc:class:lgtin:…`, `urn:epc:idpat:sgtin:….*`.
 * @example parseEpcUrn("urn:epc:id:sgtin:0614141.107346.2017")
 *   // { key: { type: "sgtin", gtin: "10614141073464", serial: "2017" }, companyPrefixLength: 7 }
 */
export function parseEpcUrn(urn: string): ParsedEpcUrn {
  if (typeof urn !== "string") return refuse(Gs1ErrorCode.InvalidArgument, "a URN is a string", "urn", urn);
  const match = /^urn:epc:(id:[a-z]+|class:lgtin|idpat:sgtin):(.*)$/.exec(urn);
  const scheme = match ? SCHEMES[match[1]!] : undefined;
  if (!match || !scheme) {
    return refuse(
      Gs1ErrorCode.InvalidEpcUrn,
      "not an EPC URN of a supported scheme (sgtin, sscc, sgln, grai, giai, lgtin)",
      "EPC Tag Data Standard: EPC URI schemes",
      urn,
    );
  }
  const name = match[1]!.split(":")[1]!;
  const body = match[2]!;
  // Only the last component (serial, lot, ...) may hold dots: split off the numeric components first.
  const parts: string[] = [];
  let rest = body;
  for (let i = 1; i < scheme.parts; i++) {
    const dot = rest.indexOf(".");
    if (dot < 0) break;
    parts.push(rest.slice(0, dot));
    rest = rest.slice(dot + 1);
  }
  parts.push(rest);
  const companyPrefix = parts[0]!;
  const second = parts[1] ?? "";
  const shape = `EPC Tag Data Standard: ${name.toUpperCase()} EPC URI`;
  const bad = (message: string): never => refuse(Gs1ErrorCode.InvalidEpcUrn, message, shape, urn);

  if (parts.length !== scheme.parts) bad(`expected ${scheme.parts} dot-separated components`);
  if (!/^[0-9]{6,12}$/.test(companyPrefix)) bad("the company prefix has 6 to 12 digits");
  const L = companyPrefix.length;
  if (scheme.digits > 0 && (!/^[0-9]*$/.test(second) || L + second.length !== scheme.digits)) {
    bad(`company prefix and the next component have ${scheme.digits} digits together`);
  }
  const last = parts[scheme.parts - 1]!;

  let key: Gs1Key;
  switch (name) {
    case "sgtin":
    case "lgtin": {
      if (second.length === 0) bad("the item reference starts with the indicator digit");
      const body13 = second[0] + companyPrefix + second.slice(1);
      const gtin = body13 + gs1CheckDigit(body13);
      if (match[1] === "idpat:sgtin") {
        if (last !== "*") bad("an SGTIN pattern ends in .*");
        key = { type: "gtin", gtin };
      } else if (name === "lgtin") {
        key = { type: "lgtin", gtin, lot: unescapeEpcComponent(last, urn) };
      } else {
        key = { type: "sgtin", gtin, serial: unescapeEpcComponent(last, urn) };
      }
      break;
    }
    case "sscc": {
      const body17 = second[0] + companyPrefix + second.slice(1);
      key = { type: "sscc", sscc: body17 + gs1CheckDigit(body17) };
      break;
    }
    case "sgln": {
      const body12 = companyPrefix + second;
      const extension = unescapeEpcComponent(last, urn);
      key = { type: "gln", gln: body12 + gs1CheckDigit(body12), extension };
      break;
    }
    case "grai": {
      const body13 = `0${companyPrefix}${second}`;
      key = { type: "grai", grai: body13 + gs1CheckDigit(body13), serial: unescapeEpcComponent(last, urn) };
      break;
    }
    default:
      if (second === "") bad("the individual asset reference is empty");
      key = { type: "giai", giai: companyPrefix + unescapeEpcComponent(second, urn) };
  }
  return { key: validateKey(key), companyPrefixLength: L };
}
