import { Gs1ErrorCode, refuse } from "./errors.ts";

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * Percent-encodes a value for a GS1 Digital Link path segment or query value: every character other than the
 * RFC 3986 unreserved ones (letters, digits, - . _ ~) as %XX with upper-case hex. Set 82 holds 17 characters
 * outside that set (! " % & ' ( ) * + , / : ; < = > ?), several of which would otherwise end a segment or
 * the path. Encoding them all, rather than the minimum, makes one canonical URI per key.
 * @example encodeDigitalLinkValue("AB/12(3)") // "AB%2F12%283%29"
 */
export function encodeDigitalLinkValue(value: string): string {
  let out = "";
  for (const char of value) {
    if (UNRESERVED.test(char)) {
      out += char;
    } else {
      for (const byte of new TextEncoder().encode(char)) {
        out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
      }
    }
  }
  return out;
}

/**
 * Decodes a percent-encoded Digital Link path segment or query value. `+` stays a plus sign: in a Digital
 * Link it is a set-82 character, not a form-encoded space.
 * @example decodeDigitalLinkValue("AB%2F12") // "AB/12"
 */
export function decodeDigitalLinkValue(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch (cause) {
    return refuse(
      Gs1ErrorCode.InvalidDigitalLink,
      "malformed percent-encoding",
      "RFC 3986 2.1: percent-encoding is % followed by two hex digits of UTF-8",
      segment,
      { cause: String(cause) },
    );
  }
}
