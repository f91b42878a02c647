import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { assertCheckDigit, gs1CheckDigit, hasValidCheckDigit, isGs1Error } from "#gs1";
import { digits, withCheckDigit } from "./testArbitraries.ts";

describe("GS1 mod-10 check digit", () => {
  it("agrees with published GS1 keys (GTIN-8/12/13/14, SSCC, GLN)", () => {
    for (const key of [
      "96385074",
      "614141123452",
      "4006381333931",
      "09506000134352",
      "106141411234567897",
      "0614141073467",
    ]) {
      expect(hasValidCheckDigit(key)).toBe(true);
    }
    expect(gs1CheckDigit("950600013435")).toBe("2");
    expect(hasValidCheckDigit("09506000134353")).toBe(false);
  });

  it("detects every single-digit error in any key of 8 to 18 digits", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 8, max: 18 })
          .chain((n) => fc.tuple(withCheckDigit(n), fc.nat(), fc.integer({ min: 1, max: 9 }))),
        ([key, at, delta]) => {
          const i = at % key.length;
          const corrupted = key.slice(0, i) + String((Number(key[i]) + delta) % 10) + key.slice(i + 1);
          expect(hasValidCheckDigit(corrupted)).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("detects a swap of two adjacent digits unless they differ by 5 (the known blind spot of weights 3/1)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 8, max: 18 }).chain((n) => fc.tuple(withCheckDigit(n), fc.nat())),
        ([key, at]) => {
          const i = at % (key.length - 1);
          const a = Number(key[i]);
          const b = Number(key[i + 1]);
          fc.pre(a !== b);
          const swapped = key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2);
          expect(hasValidCheckDigit(swapped)).toBe(Math.abs(a - b) === 5);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("keeps a key valid when it is left-padded with zeros (why GTIN-8/12/13 fit in GTIN-14)", () => {
    fc.assert(
      fc.property(withCheckDigit(8), fc.integer({ min: 0, max: 6 }), (key, pad) => {
        expect(hasValidCheckDigit("0".repeat(pad) + key)).toBe(true);
      }),
    );
  });

  it("refuses a wrong check digit with INVALID_CHECK_DIGIT naming the rule and the expected digit", () => {
    try {
      assertCheckDigit("09506000134353", "GTIN");
      throw new Error("not refused");
    } catch (error) {
      expect(isGs1Error(error, "INVALID_CHECK_DIGIT")).toBe(true);
      expect((error as { details: Record<string, unknown> }).details).toMatchObject({
        rule: expect.stringContaining("7.9.1"),
        value: "09506000134353",
        expected: "2",
      });
    }
  });

  it("refuses to compute a check digit over anything but digits", () => {
    fc.assert(
      fc.property(digits(5), fc.constantFrom("a", " ", "-", "٣"), (body, bad) => {
        expect(() => gs1CheckDigit(body + bad)).toThrow(/digits only/);
      }),
    );
  });
});
