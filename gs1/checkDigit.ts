import { Gs1ErrorCode, refuse } from "./errors.ts";

const DIGITS = /^[0-9]+$/;

/**
 * The GS1 mod-10 check digit of `body` (a key without its check digit): from the right, digits are weighted
 * 3, 1, 3, ... and the check digit brings the sum up to a multiple of ten (GS1 General Specifications 7.9.1).
 * The same rule serves GTIN-8/12/13/14, SSCC, GLN and the numeric part of a GRAI.
 * @example gs1CheckDigit("061414112345") // "2"
 */
export function gs1CheckDigit(body: string): string {
  if (!DIGITS.test(body)) {
    refuse(Gs1ErrorCode.InvalidKeyFormat, "a check digit is computed over digits only", "digits", body);
  }
  let sum = 0;
  let weight = 3;
  for (let i = body.length - 1; i >= 0; i--) {
    sum += (body.charCodeAt(i) - 48) * weight;
    weight = 4 - weight;
  }
  return String((10 - (sum % 10)) % 10);
}

/**
 * True when the last digit of `key` is the mod-10 check digit of the digits before it.
 * @example hasValidCheckDigit("0614141123452") // true
 */
export function hasValidCheckDigit(key: string): boolean {
  return key.length >= 2 && DIGITS.test(key) && gs1CheckDigit(key.slice(0, -1)) === key.slice(-1);
}

/** Throws INVALID_CHECK_DIGIT naming `what` unless `key` ends in its check digit. */
export function assertCheckDigit(key: string, what: string): void {
  if (!hasValidCheckDigit(key)) {
    refuse(
      Gs1ErrorCode.InvalidCheckDigit,
      `${what} has a wrong check digit`,
      "GS1 General Specifications 7.9.1: mod-10 check digit",
      key,
      { expected: gs1CheckDigit(key.slice(0, -1)) },
    );
  }
}
