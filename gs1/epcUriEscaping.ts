import { Gs1ErrorCode, refuse } from "./errors.ts";

// EPC Tag Data Standard, EPC URI syntax of alphanumeric components: set-82 characters are written as they
// are, except the seven that have a meaning in URIs, which are %-escaped.
const MUST_ESCAPE: Readonly<Record<string, string>> = {
  '"': "%22",
  "%": "%25",
  "&": "%26",
  "/": "%2F",
  "<": "%3C",
  ">": "%3E",
  "?": "%3F",
};
const RAW = /^[!'()*+,\-.0-9:;=A-Z_a-z]$/;

/**
 * Escapes a set-82 value for an EPC URI component (serial, lot, extension, asset reference).
 * @example escapeEpcComponent("A/1&2") // "A%2F1%262"
 */
export function escapeEpcComponent(value: string): string {
  let out = "";
  for (const char of value) out += MUST_ESCAPE[char] ?? char;
  return out;
}

/**
 * Unescapes an EPC URI component. Any escape that decodes to a set-82 character is accepted (writers escape
 * more than the seven required); a raw character outside the URI set, or a broken escape, is refused.
 * @example unescapeEpcComponent("A%2F1%262") // "A/1&2"
 */
export function unescapeEpcComponent(component: string, urn: string): string {
  let out = "";
  for (let i = 0; i < component.length; i++) {
    const char = component[i]!;
    if (char === "%") {
      const hex = component.slice(i + 1, i + 3);
      const decoded = /^[0-9A-Fa-f]{2}$/.test(hex) ? String.fromCharCode(Number.parseInt(hex, 16)) : "";
      if (!/^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]$/.test(decoded)) {
        refuse(
          Gs1ErrorCode.InvalidEpcUrn,
          "an escape in an EPC URI must decode to a character of set 82",
          "EPC Tag Data Standard: EPC URI escaping of set-82 components",
          urn,
          { escape: `%${hex}` },
        );
      }
      out += decoded;
      i += 2;
    } else if (RAW.test(char)) {
      out += char;
    } else {
      refuse(
        Gs1ErrorCode.InvalidEpcUrn,
        `character ${JSON.stringify(char)} must be %-escaped or is not allowed in an EPC URI`,
        "EPC Tag Data Standard: EPC URI escaping of set-82 components",
        urn,
      );
    }
  }
  return out;
}
