import { assertAlphanumeric } from "./characterSet82.ts";
import { assertCheckDigit } from "./checkDigit.ts";
import { Gs1ErrorCode, refuse } from "./errors.ts";
import { type Gs1Key, MAX_LENGTH } from "./keys.ts";
import { normaliseGtin } from "./normaliseGtin.ts";

function assertDigits(value: string, length: number, what: string, rule: string): void {
  if (typeof value !== "string" || value.length !== length || !/^[0-9]+$/.test(value)) {
    refuse(Gs1ErrorCode.InvalidKeyFormat, `${what} has ${length} digits`, rule, value);
  }
}

/** The numeric part of a GRAI, 14 digits with its filler zero (13 digits are accepted and padded). */
function normaliseGrai(grai: string): string {
  const padded = typeof grai === "string" && grai.length === 13 ? `0${grai}` : grai;
  assertDigits(padded, 14, "a GRAI", "GS1 General Specifications, AI 8003: GRAI is N14 + X..16");
  if (!padded.startsWith("0")) {
    refuse(
      Gs1ErrorCode.InvalidKeyFormat,
      "a GRAI starts with the filler digit 0",
      "GS1 General Specifications, AI 8003: the first digit is a filler zero",
      padded,
    );
  }
  assertCheckDigit(padded, "GRAI");
  return padded;
}

/**
 * Checks a GS1 key and returns it in canonical form: GTINs as 14 digits, a GRAI with its filler zero, a GLN
 * extension "0" dropped (the EPC Tag Data Standard uses 0 to mean "no AI 254", so the two must not differ).
 * Refuses wrong check digits, lengths and characters outside set 82, naming the rule broken.
 * @example validateKey({ type: "sgtin", gtin: "614141073467", serial: "2017" })
 *   // { type: "sgtin", gtin: "00614141073467", serial: "2017" }
 */
export function validateKey(key: Gs1Key): Gs1Key {
  if (typeof key !== "object" || key === null) {
    refuse(Gs1ErrorCode.InvalidArgument, "a GS1 key is an object with a type", "gs1 key", key);
  }
  switch (key.type) {
    case "gtin":
      return { type: "gtin", gtin: normaliseGtin(key.gtin) };
    case "sgtin":
      assertAlphanumeric(key.serial, MAX_LENGTH.serial, "serial (AI 21)");
      return { type: "sgtin", gtin: normaliseGtin(key.gtin), serial: key.serial };
    case "lgtin":
      assertAlphanumeric(key.lot, MAX_LENGTH.lot, "lot (AI 10)");
      return { type: "lgtin", gtin: normaliseGtin(key.gtin), lot: key.lot };
    case "sscc":
      assertDigits(key.sscc, 18, "an SSCC", "GS1 General Specifications, AI table: SSCC (AI 00) is N18");
      assertCheckDigit(key.sscc, "SSCC");
      return { type: "sscc", sscc: key.sscc };
    case "gln": {
      assertDigits(key.gln, 13, "a GLN", "GS1 General Specifications, AI table: GLN (AI 414) is N13");
      assertCheckDigit(key.gln, "GLN");
      if (key.extension === undefined || key.extension === "0") return { type: "gln", gln: key.gln };
      assertAlphanumeric(key.extension, MAX_LENGTH.glnExtension, "GLN extension (AI 254)");
      return { type: "gln", gln: key.gln, extension: key.extension };
    }
    case "giai":
      assertAlphanumeric(key.giai, MAX_LENGTH.giai, "GIAI (AI 8004)");
      if (!/^[0-9]{4}/.test(key.giai)) {
        refuse(
          Gs1ErrorCode.InvalidKeyFormat,
          "a GIAI starts with its GS1 Company Prefix (digits)",
          "GS1 General Specifications, AI 8004: GIAI = GS1 Company Prefix + individual asset reference",
          key.giai,
        );
      }
      return { type: "giai", giai: key.giai };
    case "grai": {
      const grai = normaliseGrai(key.grai);
      if (key.serial === undefined) return { type: "grai", grai };
      assertAlphanumeric(key.serial, MAX_LENGTH.graiSerial, "GRAI serial (AI 8003)");
      return { type: "grai", grai, serial: key.serial };
    }
    default:
      return refuse(
        Gs1ErrorCode.InvalidArgument,
        "unknown GS1 key type",
        "gs1 key types: gtin, sgtin, lgtin, sscc, gln, giai, grai",
        (key as { type?: unknown }).type,
      );
  }
}
