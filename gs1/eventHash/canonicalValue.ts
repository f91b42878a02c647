import { canonicalIdentifier } from "./canonicalIdentifier.ts";
import { normaliseNumber } from "./normaliseNumber.ts";

// CBV 1.x URNs of standard vocabulary and their CBV 2.0 web vocabulary equivalents.
const OLD_VOCABULARY: readonly [string, string][] = [
  ["urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-"],
  ["urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"],
  ["urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-"],
  ["urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-"],
  ["urn:epcglobal:cbv:er:", "https://ref.gs1.org/cbv/ER-"],
];

/**
 * A field value in the form the event hash writes it: CBV 1.x vocabulary URNs as CBV 2.0 web URIs, numbers
 * in canonical form, GS1 identifiers as constrained canonical Digital Links; anything else as it is.
 * @example canonicalValue("urn:epcglobal:cbv:bizstep:shipping") // "https://ref.gs1.org/cbv/BizStep-shipping"
 */
export function canonicalValue(text: string): string {
  let value = text;
  if (value.includes("urn:epcglobal:cbv:")) {
    for (const [from, to] of OLD_VOCABULARY) value = value.replaceAll(from, to);
  }
  value = normaliseNumber(value);
  return canonicalIdentifier(value) ?? value;
}

// The characters Python's str.isspace() accepts: the reference strips every value with str.strip().
function isPythonSpace(code: number): boolean {
  return (
    (code >= 0x09 && code <= 0x0d) ||
    (code >= 0x1c && code <= 0x20) ||
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/** `text` without leading and trailing whitespace, by Python's definition of whitespace. */
export function stripWhitespace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isPythonSpace(text.charCodeAt(start))) start++;
  while (end > start && isPythonSpace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}
