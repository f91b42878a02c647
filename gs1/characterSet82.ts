import { Gs1ErrorCode, refuse } from "./errors.ts";

// GS1 General Specifications Figure 7.11-1: the 82 characters allowed in alphanumeric AI values (serials,
// lots, asset references, ...): digits, letters and ! " % & ' ( ) * + , - . / : ; < = > ? _
const CS82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/;

/**
 * True when every character of `value` is in GS1 AI encodable character set 82.
 * @example isCharacterSet82("ABC-12/x") // true; isCharacterSet82("a b") // false (space)
 */
export function isCharacterSet82(value: string): boolean {
  return CS82.test(value);
}

/**
 * Checks an alphanumeric AI value: 1..`maxLength` characters of set 82. `field` names it in the refusal
 * ("serial (AI 21)").
 * @example assertAlphanumeric("2017", 20, "serial (AI 21)") // ok; "" or 21 characters throw INVALID_LENGTH
 */
export function assertAlphanumeric(value: string, maxLength: number, field: string): void {
  if (typeof value !== "string" || value.length === 0 || value.length > maxLength) {
    refuse(
      Gs1ErrorCode.InvalidLength,
      `${field} must be 1 to ${maxLength} characters`,
      `GS1 General Specifications, AI table: ${field} is X..${maxLength}`,
      value,
      { length: typeof value === "string" ? value.length : undefined },
    );
  }
  if (!CS82.test(value)) {
    const bad = [...value].find((c) => !CS82.test(c));
    refuse(
      Gs1ErrorCode.InvalidCharacter,
      `${field} holds a character outside GS1 character set 82`,
      "GS1 General Specifications 7.11: AI encodable character set 82",
      value,
      { character: bad },
    );
  }
}
