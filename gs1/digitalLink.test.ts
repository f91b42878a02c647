import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { buildDigitalLink, isGs1Error, parseDigitalLink } from "#gs1";
import { key, set82 } from "./testArbitraries.ts";

function refusal(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (isGs1Error(error)) return { code: error.code, message: error.shortMessage };
    throw error;
  }
  throw new Error("not refused");
}

const prefix = fc.constantFrom(
  "https://id.gs1.org",
  "https://example.com",
  "http://qr.example.org/a/b",
  "https://x.io/01",
);

describe("GS1 Digital Link", () => {
  it("round-trips every key: key → Digital Link → the same key, on any domain and path prefix", () => {
    fc.assert(
      fc.property(key, prefix, (k, p) => {
        const uri = buildDigitalLink(k, { prefix: p });
        expect(parseDigitalLink(uri)).toEqual({ prefix: p, key: k, attributes: {} });
      }),
      { numRuns: 1000 },
    );
  });

  it("round-trips CPV, a lot next to a serial and data attributes, whatever set-82 characters they hold", () => {
    fc.assert(
      fc.property(
        fc.tuple(
          key.filter((k) => k.type === "sgtin"),
          set82(20),
          set82(20),
          set82(30),
        ),
        ([k, cpv, lot, weight]) => {
          const uri = buildDigitalLink(k, { cpv, lot, attributes: { "3103": weight } });
          expect(parseDigitalLink(uri)).toEqual({
            prefix: "https://id.gs1.org",
            key: k,
            cpv,
            lot,
            attributes: { "3103": weight },
          });
        },
      ),
    );
  });

  it("writes numeric AIs, GTIN-14 and percent-encodes every set-82 character outside letters, digits, - . _", () => {
    expect(buildDigitalLink({ type: "sgtin", gtin: "614141123452", serial: "A/1(x)" })).toBe(
      "https://id.gs1.org/01/00614141123452/21/A%2F1%28x%29",
    );
    expect(
      buildDigitalLink({ type: "gln", gln: "0614141073467", extension: "1234" }, { prefix: "https://e.com" }),
    ).toBe("https://e.com/414/0614141073467/254/1234");
    expect(buildDigitalLink({ type: "grai", grai: "04012345000221", serial: "334455" })).toBe(
      "https://id.gs1.org/8003/04012345000221334455",
    );
    expect(buildDigitalLink({ type: "sscc", sscc: "106141411234567897" })).toBe(
      "https://id.gs1.org/00/106141411234567897",
    );
    expect(buildDigitalLink({ type: "giai", giai: "4012345ABC.345" })).toBe(
      "https://id.gs1.org/8004/4012345ABC.345",
    );
  });

  it("parses a link with a path prefix, short names, a fragment and a non-GS1 query parameter", () => {
    expect(
      parseDigitalLink(
        "https://brand.example/shop/gtin/9506000134352/lot/L%2F7?17=261231&linkType=gs1:pip#top",
      ),
    ).toEqual({
      prefix: "https://brand.example/shop",
      key: { type: "lgtin", gtin: "09506000134352", lot: "L/7" },
      attributes: { "17": "261231" },
    });
  });

  it("normalises GTIN-8, -12 and -13 in a link to 14 digits", () => {
    for (const short of ["96385074", "614141123452", "4006381333931"]) {
      expect(parseDigitalLink(`https://id.gs1.org/01/${short}`).key).toEqual({
        type: "gtin",
        gtin: short.padStart(14, "0"),
      });
    }
  });

  it("takes a value that looks like an AI for a value: the path is read from the right", () => {
    expect(parseDigitalLink("https://e.com/01/01/01/09506000134352/10/21/21/01").key).toEqual({
      type: "sgtin",
      gtin: "09506000134352",
      serial: "01",
    });
  });

  it("refuses key qualifiers out of order, twice, or not belonging to the primary key", () => {
    expect(refusal(() => parseDigitalLink("https://id.gs1.org/01/09506000134352/21/S1/10/L1"))).toMatchObject(
      {
        code: "INVALID_DIGITAL_LINK",
        message: expect.stringContaining("order 22, 10, 21"),
      },
    );
    expect(refusal(() => parseDigitalLink("https://id.gs1.org/01/09506000134352/21/S1/21/S2"))).toMatchObject(
      {
        code: "INVALID_DIGITAL_LINK",
      },
    );
    expect(refusal(() => parseDigitalLink("https://id.gs1.org/00/106141411234567897/21/S1"))).toMatchObject({
      code: "INVALID_DIGITAL_LINK",
      message: "AI 21 is not a key qualifier of AI 00",
    });
  });

  it("refuses a key or key qualifier in the query string, where only data attributes belong", () => {
    expect(refusal(() => parseDigitalLink("https://id.gs1.org/01/09506000134352?21=S1"))).toMatchObject({
      code: "INVALID_DIGITAL_LINK",
      message: expect.stringContaining("belongs in the path"),
    });
    expect(
      refusal(() =>
        buildDigitalLink({ type: "gtin", gtin: "09506000134352" }, { attributes: { "10": "x" } }),
      ),
    ).toMatchObject({ code: "INVALID_DIGITAL_LINK" });
  });

  it("refuses links without a GS1 key, with bad check digits, bad escapes or characters outside set 82", () => {
    expect(refusal(() => parseDigitalLink("https://example.com/products/123"))).toMatchObject({
      code: "INVALID_DIGITAL_LINK",
    });
    expect(refusal(() => parseDigitalLink("ftp://id.gs1.org/01/09506000134352"))).toMatchObject({
      code: "INVALID_DIGITAL_LINK",
    });
    expect(refusal(() => parseDigitalLink("https://id.gs1.org/01/09506000134353"))).toMatchObject({
      code: "INVALID_CHECK_DIGIT",
    });
    expect(
      refusal(() => parseDigitalLink("https://id.gs1.org/01/09506000134352/21/%E2%82%AC")),
    ).toMatchObject({
      code: "INVALID_CHARACTER",
    });
    expect(refusal(() => parseDigitalLink("https://id.gs1.org/01/09506000134352/21/%G1"))).toMatchObject({
      code: "INVALID_DIGITAL_LINK",
    });
    expect(refusal(() => parseDigitalLink("https://id.gs1.org/8003/0401234500022"))).toMatchObject({
      code: "INVALID_KEY_FORMAT",
    });
  });

  it("refuses options that do not fit the key", () => {
    expect(
      refusal(() => buildDigitalLink({ type: "sscc", sscc: "106141411234567897" }, { cpv: "2" })),
    ).toMatchObject({
      code: "INVALID_DIGITAL_LINK",
    });
    expect(
      refusal(() => buildDigitalLink({ type: "gtin", gtin: "09506000134352" }, { prefix: "https://e.com/" })),
    ).toMatchObject({ code: "INVALID_DIGITAL_LINK" });
  });
});
