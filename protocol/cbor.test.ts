import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { decodeCbor, encodeCbor, hexToBytes, type ProtocolError, scanCbor } from "#protocol";

function refusal(input: Uint8Array): string {
  try {
    decodeCbor(input);
  } catch (error) {
    return (error as ProtocolError).code;
  }
  return "ACCEPTED";
}

describe("bounded CBOR decoding", () => {
  it.each([
    ["9f", "indefinite-length array start", "UNSUPPORTED_CBOR"],
    ["9a01312d00", "array header declaring 20 million items", "MALFORMED_CBOR"],
    ["5a01312d00", "byte string header declaring 20 MB", "MALFORMED_CBOR"],
    ["1817", "integer 23 in a 1-byte argument (not shortest)", "UNSUPPORTED_CBOR"],
    ["5900024142", "byte string length in 2 bytes though it fits in the head", "UNSUPPORTED_CBOR"],
    ["b800", "empty map with a 1-byte length argument", "UNSUPPORTED_CBOR"],
    ["d9d9f700", "unknown tag 55799", "UNSUPPORTED_CBOR"],
    ["c11a5f000000", "tag 1 (epoch date)", "UNSUPPORTED_CBOR"],
    ["f7", "undefined", "UNSUPPORTED_CBOR"],
    ["ff", "lone break", "MALFORMED_CBOR"],
    ["1c", "reserved additional information", "MALFORMED_CBOR"],
    ["8301", "array declaring 3 items holding 1", "MALFORMED_CBOR"],
    ["62c328", "text that is not UTF-8", "MALFORMED_CBOR"],
    ["0102", "two items (trailing byte)", "MALFORMED_CBOR"],
    ["1bffffffffffffffff", "integer beyond 2^53", "UNSUPPORTED_CBOR"],
    ["3b001fffffffffffff", "-(2^53), one beyond the negative bound", "UNSUPPORTED_CBOR"],
    ["a2616101616102", "duplicate text key", "UNSUPPORTED_CBOR"],
    ["a201010102", "duplicate integer key", "UNSUPPORTED_CBOR"],
    ["a1820102 03".replace(" ", ""), "array used as a map key", "UNSUPPORTED_CBOR"],
    ["", "empty input", "MALFORMED_CBOR"],
  ])("refuses %s (%s) with %s", (hex, _what, code) => {
    expect(refusal(hex === "" ? new Uint8Array() : hexToBytes(`0x${hex}`))).toBe(code);
  });

  it("refuses 200,000 nested arrays by depth without recursing", () => {
    const nested = new Uint8Array(200_000).fill(0x81);
    expect(refusal(nested)).toBe("TOO_LARGE");
    expect(() =>
      scanCbor(nested, { maxBytes: 1_000_000, maxDepth: 4, maxContainerItems: 64, maxStringBytes: 4096 }),
    ).toThrow(/nesting deeper than 4/);
  });

  it("decodes __proto__ keys into a Map without touching prototypes", () => {
    const bytes = encodeCbor(new Map([["__proto__", new Map([["polluted", 1]])]]));
    const value = decodeCbor(bytes) as Map<string, unknown>;
    expect(value).toBeInstanceOf(Map);
    expect(value.get("__proto__")).toBeInstanceOf(Map);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("accepts the integer bounds ±(2^53-1)", () => {
    expect(decodeCbor(hexToBytes("0x1b001fffffffffffff"))).toBe(2 ** 53 - 1);
    expect(decodeCbor(hexToBytes("0x3b001ffffffffffffe"))).toBe(-(2 ** 53 - 1));
  });

  it("refuses input above the size cap before decoding", () => {
    expect(refusal(new Uint8Array(4097))).toBe("TOO_LARGE");
  });

  it("round-trips the accepted subset (integers, floats, strings, bytes, nested maps/arrays)", () => {
    const leaf = fc.oneof(
      fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
      fc.string({ maxLength: 20 }),
      fc.uint8Array({ maxLength: 20 }),
      fc.boolean(),
      fc.constant(null),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small", maxDepth: 2 }, leaf, tie("arr"), tie("map")),
      arr: fc.array(tie("node"), { maxLength: 4 }),
      map: fc
        .uniqueArray(fc.tuple(fc.string({ maxLength: 8 }), tie("node")), {
          maxLength: 4,
          selector: ([k]) => k,
        })
        .map((e) => new Map(e)),
    })).node;
    fc.assert(
      fc.property(value, (v) => {
        const decoded = decodeCbor(encodeCbor(v));
        expect(normalize(decoded)).toEqual(normalize(v));
      }),
      { numRuns: 300 },
    );
  });

  it("never throws anything but a ProtocolError on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeCbor(bytes);
        } catch (error) {
          expect((error as ProtocolError).name).toBe("ProtocolError");
        }
      }),
      { numRuns: 2000 },
    );
  });
});

function normalize(v: unknown): unknown {
  if (v instanceof Uint8Array) return { bytes: Array.from(v) };
  if (Array.isArray(v)) return v.map(normalize);
  if (v instanceof Map) return { map: [...v.entries()].map(([k, x]) => [k, normalize(x)]) };
  return v;
}
