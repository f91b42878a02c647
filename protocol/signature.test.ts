import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { isProtocolError } from "./errors.ts";
import { assertLowSCompactSignature, SECP256K1_N } from "./signature.ts";

function bytes32(value: bigint): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => Number((value >> BigInt(8 * (31 - i))) & 0xffn));
}

function signature(r: bigint, s: bigint): Uint8Array {
  const out = new Uint8Array(64);
  out.set(bytes32(r), 0);
  out.set(bytes32(s), 32);
  return out;
}

function codeOf(sig: Uint8Array): string {
  try {
    assertLowSCompactSignature(sig);
    return "OK";
  } catch (error) {
    if (isProtocolError(error)) return error.code;
    throw error;
  }
}

/** The rule written with BigInt, as the spec states it. */
function expectedCode(r: bigint, s: bigint): string {
  if (r === 0n || r >= SECP256K1_N || s === 0n || s >= SECP256K1_N) return "MALFORMED_SIGNATURE";
  return s > SECP256K1_N >> 1n ? "HIGH_S" : "OK";
}

const HALF_N = SECP256K1_N >> 1n;
const MAX = (1n << 256n) - 1n;

describe("assertLowSCompactSignature", () => {
  it.each([
    ["r = 0", 0n, 1n, "MALFORMED_SIGNATURE"],
    ["s = 0", 1n, 0n, "MALFORMED_SIGNATURE"],
    ["r = n", SECP256K1_N, 1n, "MALFORMED_SIGNATURE"],
    ["s = n", 1n, SECP256K1_N, "MALFORMED_SIGNATURE"],
    ["r = 2^256 - 1", MAX, 1n, "MALFORMED_SIGNATURE"],
    ["r = n - 1, s = 1", SECP256K1_N - 1n, 1n, "OK"],
    ["s = n/2 (the largest low S)", 1n, HALF_N, "OK"],
    ["s = n/2 + 1", 1n, HALF_N + 1n, "HIGH_S"],
    ["s = n - 1", 1n, SECP256K1_N - 1n, "HIGH_S"],
  ])("refuses or accepts at the boundary: %s", (_name, r, s, code) => {
    expect(codeOf(signature(r, s))).toBe(code);
  });

  it("refuses a signature that is not 64 bytes", () => {
    expect(codeOf(new Uint8Array(63).fill(1))).toBe("MALFORMED_SIGNATURE");
    expect(codeOf(new Uint8Array(65).fill(1))).toBe("MALFORMED_SIGNATURE");
  });

  it("agrees with the BigInt statement of the rule on random and near-boundary values", () => {
    const near = (base: bigint) => fc.bigInt({ min: -3n, max: 3n }).map((d) => base + d);
    const scalar = fc.oneof(
      fc.bigInt({ min: 0n, max: MAX }),
      near(0n).filter((v) => v >= 0n),
      near(HALF_N),
      near(SECP256K1_N),
      near(MAX).filter((v) => v <= MAX),
    );
    fc.assert(
      fc.property(scalar, scalar, (r, s) => {
        expect(codeOf(signature(r, s))).toBe(expectedCode(r, s));
      }),
      { numRuns: 5000 },
    );
  });
});
