import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import {
  addressToBytes,
  assembleCoseSign1,
  bytesToHex,
  decodeReading,
  deviceIdentityFromPrivateKey,
  encodeCbor,
  encodeReadingPayload,
  GENESIS_PREV,
  hexToBytes,
  keccak256,
  nobleVerifier,
  type ProtocolError,
  type ReadingPayload,
  signCoseSign1,
  signDigest,
  signingDigest,
  signReading,
  toHighS,
  verifyReading,
} from "#protocol";
import { nativeVerifier } from "#protocol/native";

const alice = deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode("EXAMPLE key alice")));
const bob = deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode("EXAMPLE key bob")));

const payloadArb: fc.Arbitrary<ReadingPayload> = fc
  .record({
    seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    ts: fc.integer({ min: 0, max: 2 ** 45 }),
    prev: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    m: fc.dictionary(
      fc.constantFrom("temp_c", "rh_pct", "lat_deg", "lon_deg", "shock_g", "batt_v", "door_open", "co2_ppm"),
      // -0 encodes as the integer 0 (CBOR has no negative integer zero); compare normalized.
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((d) => (d === 0 ? 0 : d)),
      { minKeys: 1, maxKeys: 8 },
    ),
  })
  .map((p) => ({ v: 1 as const, ...p, prev: p.seq === 1 ? GENESIS_PREV : p.prev }));

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as ProtocolError).code ?? String(error);
  }
  return "ACCEPTED";
}

describe("reading messages (COSE_Sign1 / ES256K)", () => {
  it("round-trips: what a device signs verifies and decodes to the same payload", () => {
    fc.assert(
      fc.property(payloadArb, (payload) => {
        const { message, messageId } = signReading(alice, payload);
        const decoded = verifyReading(message, alice.address, alice.publicKey, nobleVerifier);
        expect(decoded.messageId).toBe(messageId);
        expect(messageId).toBe(bytesToHex(keccak256(message)));
        expect(decoded.device).toBe(alice.address);
        expect(decoded.reading).toEqual({ ...payload, m: { ...payload.m } });
      }),
      { numRuns: 60 },
    );
  });

  it("is deterministic (RFC 6979): the same reading signs to the same bytes", () => {
    const payload: ReadingPayload = {
      v: 1,
      seq: 1,
      ts: 1_763_700_000_000,
      prev: GENESIS_PREV,
      m: { temp_c: 4.5 },
    };
    expect(signReading(alice, payload).message).toEqual(signReading(alice, payload).message);
  });

  it("invalidates the message when any single byte changes", () => {
    const payload: ReadingPayload = {
      v: 1,
      seq: 7,
      ts: 1_763_700_000_000,
      prev: new Uint8Array(32).fill(9),
      m: { temp_c: 4.5, rh_pct: 61 },
    };
    const { message } = signReading(alice, payload);
    fc.assert(
      fc.property(fc.nat({ max: message.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, xor) => {
        const changed = message.slice();
        changed[at] = changed[at]! ^ xor;
        expect(codeOf(() => verifyReading(changed, alice.address, alice.publicKey, nativeVerifier))).not.toBe(
          "ACCEPTED",
        );
      }),
      { numRuns: 400 },
    );
  });

  it("refuses a high-S signature with HIGH_S", () => {
    const { message } = signReading(alice, { v: 1, seq: 1, ts: 1, prev: GENESIS_PREV, m: { temp_c: 1 } });
    const highS = message.slice();
    highS.set(toHighS(message.subarray(message.length - 64)), message.length - 64);
    expect(codeOf(() => verifyReading(highS, alice.address, alice.publicKey, nobleVerifier))).toBe("HIGH_S");
  });

  it("refuses a message whose kid is another device with KID_MISMATCH, and a forged one with BAD_SIGNATURE", () => {
    const payload = encodeReadingPayload({ v: 1, seq: 1, ts: 1, prev: GENESIS_PREV, m: { temp_c: 1 } });
    const bobsKid = signCoseSign1(alice.privateKey, addressToBytes(bob.address), payload);
    expect(codeOf(() => verifyReading(bobsKid, alice.address, alice.publicKey, nobleVerifier))).toBe(
      "KID_MISMATCH",
    );
    expect(codeOf(() => verifyReading(bobsKid, bob.address, bob.publicKey, nobleVerifier))).toBe(
      "BAD_SIGNATURE",
    );
  });

  it.each([
    ["seq 0", { seq: 0 }, "INVALID_PAYLOAD"],
    ["negative ts", { ts: -1 }, "INVALID_PAYLOAD"],
    ["fractional seq", { seq: 1.5 }, "INVALID_PAYLOAD"],
    ["non-zero prev with seq 1", { prev: new Uint8Array(32).fill(1) }, "INVALID_PAYLOAD"],
    ["short prev", { prev: new Uint8Array(31) }, "INVALID_PAYLOAD"],
    ["no measurements", { m: {} }, "INVALID_PAYLOAD"],
    ["measurement without unit", { m: { temp: 4 } }, "INVALID_PAYLOAD"],
    ["NaN measurement", { m: { temp_c: Number.NaN } }, "INVALID_PAYLOAD"],
    ["version 2", { v: 2 }, "UNSUPPORTED_VERSION"],
  ])("refuses to sign a payload with %s", (_what, change, code) => {
    const payload = {
      v: 1,
      seq: 1,
      ts: 1,
      prev: GENESIS_PREV,
      m: { temp_c: 1 },
      ...change,
    } as ReadingPayload;
    expect(codeOf(() => signReading(alice, payload))).toBe(code);
  });

  describe("when a message breaks two rules, the code is the one docs/protocol.md §8 (precedence) names", () => {
    const signedRaw = (payload: Uint8Array, protectedBytes?: Uint8Array) => {
      const p =
        protectedBytes ?? hexToBytes(`0xa201382e0454${bytesToHex(addressToBytes(alice.address)).slice(2)}`);
      return assembleCoseSign1(p, payload, signDigest(signingDigest(p, payload), alice.privateKey));
    };
    const payload = (entries: [string, unknown][]) => encodeCbor(new Map(entries));
    const rest: [string, unknown][] = [
      ["seq", 1],
      ["ts", 1],
      ["prev", GENESIS_PREV],
      ["m", new Map([["temp_c", 1]])],
    ];
    const verify = (raw: Uint8Array) =>
      codeOf(() => verifyReading(raw, alice.address, alice.publicKey, nobleVerifier));

    it("a payload without v is INVALID_PAYLOAD (a missing key), not UNSUPPORTED_VERSION", () => {
      expect(verify(signedRaw(payload(rest)))).toBe("INVALID_PAYLOAD");
      expect(verify(signedRaw(payload([...rest, ["w", 2]])))).toBe("INVALID_PAYLOAD");
    });

    it("a payload with v = 2 and keys v1 does not know is UNSUPPORTED_VERSION: the version is read first", () => {
      expect(verify(signedRaw(payload([["v", 2], ...rest, ["w", 2]])))).toBe("UNSUPPORTED_VERSION");
    });

    it("a protected header with -47 as 39 00 2e is UNSUPPORTED_CBOR: the CBOR profile comes before the COSE shape", () => {
      const kid = bytesToHex(addressToBytes(alice.address)).slice(2);
      const longAlg = hexToBytes(`0xa20139002e0454${kid}`);
      expect(verify(signedRaw(payload([["v", 1], ...rest]), longAlg))).toBe("UNSUPPORTED_CBOR");
      // The same content in other (shortest) bytes, kid first, is MALFORMED_COSE.
      const kidFirst = hexToBytes(`0xa20454${kid}01382e`);
      expect(verify(signedRaw(payload([["v", 1], ...rest]), kidFirst))).toBe("MALFORMED_COSE");
    });
  });

  it("decodes what it is given without reading beyond the cap", () => {
    expect(codeOf(() => decodeReading(new Uint8Array(5000).fill(0xd2)))).toBe("TOO_LARGE");
    expect(codeOf(() => decodeReading(hexToBytes("0xd29f")))).toBe("UNSUPPORTED_CBOR");
  });
});
