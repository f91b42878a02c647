import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { buildDigitalLink, canonicalIdentifier, isGs1Error, keyToEpcUrn, parseEpcUrn } from "#gs1";
import { keyWithPrefixLength } from "./testArbitraries.ts";

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isGs1Error(error)) return error.code;
    throw error;
  }
  throw new Error("not refused");
}

// Pairs from the GS1 reference material (EPCIS examples and the event hash vectors).
const KNOWN: readonly [string, object][] = [
  ["urn:epc:id:sgtin:0614141.107346.2017", { type: "sgtin", gtin: "10614141073464", serial: "2017" }],
  ["urn:epc:id:sscc:4012345.3111111111", { type: "sscc", sscc: "340123451111111111" }],
  ["urn:epc:id:sgln:4012345.00005.122", { type: "gln", gln: "4012345000054", extension: "122" }],
  ["urn:epc:id:sgln:4012345.00005.0", { type: "gln", gln: "4012345000054" }],
  ["urn:epc:id:giai:4012345.ABC345", { type: "giai", giai: "4012345ABC345" }],
  ["urn:epc:id:grai:4012345.00022.334455", { type: "grai", grai: "04012345000221", serial: "334455" }],
  ["urn:epc:class:lgtin:4012345.012345.Lot987", { type: "lgtin", gtin: "04012345123456", lot: "Lot987" }],
  ["urn:epc:idpat:sgtin:4012345.012345.*", { type: "gtin", gtin: "04012345123456" }],
  [
    "urn:epc:id:sgtin:0614141.812345.6789%2F%26%25%22!%3F()",
    { type: "sgtin", gtin: "80614141123458", serial: '6789/&%"!?()' },
  ],
  ["urn:epc:id:sgtin:415056789012.0.987654", { type: "sgtin", gtin: "04150567890128", serial: "987654" }],
];

describe("EPC URNs", () => {
  it("reads the reference examples, recomputing the check digit, and writes them back identically", () => {
    for (const [urn, key] of KNOWN) {
      const parsed = parseEpcUrn(urn);
      expect(parsed.key).toEqual(key);
      expect(keyToEpcUrn(parsed.key, parsed.companyPrefixLength)).toBe(urn);
    }
  });

  it("round-trips every key with every company prefix length: key → EPC URN → the same key", () => {
    fc.assert(
      fc.property(keyWithPrefixLength, ({ key, companyPrefixLength }) => {
        fc.pre(key.type !== "grai" || key.serial !== undefined);
        const urn = keyToEpcUrn(key, companyPrefixLength);
        expect(parseEpcUrn(urn)).toEqual({ key, companyPrefixLength });
      }),
      { numRuns: 1000 },
    );
  });

  it("names the same item as the Digital Link: the event hash's URN converter agrees for plain serials", () => {
    fc.assert(
      fc.property(keyWithPrefixLength, ({ key, companyPrefixLength }) => {
        const plain = Object.values(key).every((v) => /^[A-Za-z0-9]*$/.test(v));
        fc.pre(plain && (key.type !== "grai" || (key.serial !== undefined && companyPrefixLength < 12)));
        expect(canonicalIdentifier(keyToEpcUrn(key, companyPrefixLength))).toBe(buildDigitalLink(key));
      }),
      { numRuns: 500 },
    );
  });

  it("leaves a GRAI URN with a 12-digit company prefix unconverted in the event hash, as the reference does", () => {
    // The reference's pattern wants three dots there ("…012...5"), so such a URN is hashed as written.
    const urn = keyToEpcUrn({ type: "grai", grai: "01234567890128", serial: "5" }, 12);
    expect(urn).toBe("urn:epc:id:grai:123456789012..5");
    expect(parseEpcUrn(urn).key).toEqual({ type: "grai", grai: "01234567890128", serial: "5" });
    expect(canonicalIdentifier(urn)).toBeUndefined();
  });

  it("needs the company prefix length: 6..12 digits, and room for a GIAI's asset reference", () => {
    const sgtin = { type: "sgtin", gtin: "10614141073464", serial: "1" } as const;
    expect(keyToEpcUrn(sgtin, 7)).toBe("urn:epc:id:sgtin:0614141.107346.1");
    expect(keyToEpcUrn(sgtin, 9)).toBe("urn:epc:id:sgtin:061414107.1346.1");
    expect(refusal(() => keyToEpcUrn(sgtin, 5))).toBe("INVALID_COMPANY_PREFIX_LENGTH");
    expect(refusal(() => keyToEpcUrn(sgtin, 13))).toBe("INVALID_COMPANY_PREFIX_LENGTH");
    expect(refusal(() => keyToEpcUrn({ type: "giai", giai: "4012345A" }, 8))).toBe(
      "INVALID_COMPANY_PREFIX_LENGTH",
    );
    expect(refusal(() => keyToEpcUrn({ type: "grai", grai: "04012345000221" }, 7))).toBe("INVALID_EPC_URN");
  });

  it("refuses malformed URNs, unsupported schemes and bad escapes", () => {
    for (const urn of [
      "urn:epc:id:sgtin:0614141.10734.2017",
      "urn:epc:id:sgtin:0614141.107346",
      "urn:epc:id:sgtin:06141.1073460.1",
      "urn:epc:id:sgtin:0614141.107346.a/b",
      "urn:epc:id:sgtin:0614141.107346.%41%",
      "urn:epc:id:sgtin:0614141.107346.%7E",
      "urn:epc:id:gsrn:4012345.0000006765",
      "urn:epc:idpat:sgtin:4012345.012345.5",
      "urn:epc:id:giai:4012345.",
      "https://id.gs1.org/01/09506000134352",
    ]) {
      expect([urn, refusal(() => parseEpcUrn(urn))]).toEqual([urn, expect.stringMatching(/^INVALID_/)]);
    }
  });
});
