import { assertCheckDigit } from "./checkDigit.ts";
import { Gs1ErrorCode, refuse } from "./errors.ts";

const GTIN = /^(?:[0-9]{8}|[0-9]{12,14})$/;

/**
 * A GTIN-8, -12, -13 or -14 in its canonical 14-digit form (left-padded with zeros), after checking its
 * check digit. Padding keeps the check digit valid because leading zeros add nothing to the weighted sum.
 * @example normaliseGtin("614141123452") // "00614141123452"
 */
export function normaliseGtin(gtin: string): string {
  if (typeof gtin !== "string" || !GTIN.test(gtin)) {
    refuse(
      Gs1ErrorCode.InvalidKeyFormat,
      "a GTIN has 8, 12, 13 or 14 digits",
      "GS1 General Specifications, AI table: GTIN (AI 01) is N14; GTIN-8/12/13 are right-justified in it",
      gtin,
    );
  }
  assertCheckDigit(gtin, "GTIN");
  return gtin.padStart(14, "0");
}
