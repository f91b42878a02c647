import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { type Gs1Key, isCharacterSet82, isGs1Error, normaliseGtin, validateKey } from "#gs1";
import { key } from "./testArbitraries.ts";

function refusal(fn: () => unknown): { code: string; rule: unknown } {
  try {
    fn();
  } catch (error) {
    if (isGs1Error(error)) return { code: error.code, rule: error.details.rule };
    throw error;
  }
  throw new Error("not refused");
}

describe("GS1 keys", () => {
  it("writes GTIN-8, -12 and -13 as 14 digits", () => {
    expect(normaliseGtin("96385074")).toBe("00000096385074");
    expect(normaliseGtin("614141123452")).toBe("00614141123452");
    expect(normaliseGtin("4006381333931")).toBe("04006381333931");
    expect(normaliseGtin("09506000134352")).toBe("09506000134352");
  });

  it("refuses GTINs of 9 to 11 digits, with letters, or with a wrong check digit", () => {
    expect(refusal(() => normaliseGtin("123456789"))).toMatchObject({ code: "INVALID_KEY_FORMAT" });
    expect(refusal(() => normaliseGtin("0950600013435A"))).toMatchObject({ code: "INVALID_KEY_FORMAT" });
    expect(refusal(() => normaliseGtin("4006381333932"))).toMatchObject({ code: "INVALID_CHECK_DIGIT" });
  });

  it("keeps every valid key as it is (validation is idempotent on canonical keys)", () => {
    fc.assert(
      fc.property(key, (k) => {
        expect(validateKey(k)).toEqual(k);
      }),
    );
  });

  it("refuses serials, lots and extensions outside set 82 or too long, naming the AI's rule", () => {
    const gtin = "09506000134352";
    expect(refusal(() => validateKey({ type: "sgtin", gtin, serial: "A B" }))).toEqual({
      code: "INVALID_CHARACTER",
      rule: "GS1 General Specifications 7.11: AI encodable character set 82",
    });
    expect(refusal(() => validateKey({ type: "sgtin", gtin, serial: "x".repeat(21) }))).toMatchObject({
      code: "INVALID_LENGTH",
      rule: expect.stringContaining("X..20"),
    });
    expect(refusal(() => validateKey({ type: "lgtin", gtin, lot: "" }))).toMatchObject({
      code: "INVALID_LENGTH",
    });
    expect(refusal(() => validateKey({ type: "lgtin", gtin, lot: "é" }))).toMatchObject({
      code: "INVALID_CHARACTER",
    });
    expect(refusal(() => validateKey({ type: "gln", gln: "0614141073467", extension: "~" }))).toMatchObject({
      code: "INVALID_CHARACTER",
    });
    expect(refusal(() => validateKey({ type: "giai", giai: `0614141${"A".repeat(24)}` }))).toMatchObject({
      code: "INVALID_LENGTH",
      rule: expect.stringContaining("X..30"),
    });
    expect(
      refusal(() => validateKey({ type: "grai", grai: "04012345000221", serial: "x".repeat(17) })),
    ).toMatchObject({ code: "INVALID_LENGTH" });
  });

  it("accepts exactly the 82 characters of set 82 among printable ASCII", () => {
    const accepted = [...Array(95)].map((_, i) => String.fromCharCode(32 + i)).filter(isCharacterSet82);
    expect(accepted).toHaveLength(82);
    expect(accepted).not.toContain(" ");
    expect(accepted).not.toContain("#");
    expect(accepted).not.toContain("~");
  });

  it("checks the check digits of SSCC, GLN and GRAI", () => {
    expect(refusal(() => validateKey({ type: "sscc", sscc: "106141411234567898" }))).toMatchObject({
      code: "INVALID_CHECK_DIGIT",
    });
    expect(refusal(() => validateKey({ type: "gln", gln: "0614141073468" }))).toMatchObject({
      code: "INVALID_CHECK_DIGIT",
    });
    expect(refusal(() => validateKey({ type: "grai", grai: "04012345000222" }))).toMatchObject({
      code: "INVALID_CHECK_DIGIT",
    });
    expect(refusal(() => validateKey({ type: "sscc", sscc: "10614141123456789" }))).toMatchObject({
      code: "INVALID_KEY_FORMAT",
    });
  });

  it("drops a GLN extension of 0 (the EPC Tag Data Standard's 'no extension'), pads a 13-digit GRAI", () => {
    expect(validateKey({ type: "gln", gln: "0614141073467", extension: "0" })).toEqual({
      type: "gln",
      gln: "0614141073467",
    });
    expect(validateKey({ type: "grai", grai: "4012345000221" })).toEqual({
      type: "grai",
      grai: "04012345000221",
    });
  });

  it("refuses a GIAI that does not start with company prefix digits and an unknown key type", () => {
    expect(refusal(() => validateKey({ type: "giai", giai: "ABC123" }))).toMatchObject({
      code: "INVALID_KEY_FORMAT",
    });
    expect(refusal(() => validateKey({ type: "gsrn", gsrn: "1" } as unknown as Gs1Key))).toMatchObject({
      code: "INVALID_ARGUMENT",
    });
  });
});
