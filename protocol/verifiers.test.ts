import { existsSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { Point } from "@noble/secp256k1";
import fc from "fast-check";
import {
  createNobleTableVerifier,
  deviceIdentityFromPrivateKey,
  nobleVerifier,
  publicKeyFromPrivateKey,
  SECP256K1_N,
  sha256,
  signDigest,
  toHighS,
} from "#protocol";
import {
  bundledNativeVerifier,
  nativeBackend,
  nativeVerifier,
  SYSTEM_ADDON_PATH,
  selectNativeBackend,
  uncompressPublicKey,
} from "#protocol/native";

const keyArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((k) => {
  try {
    publicKeyFromPrivateKey(k);
    return true;
  } catch {
    return false;
  }
});

// Small cache so that the property runs exercise hits, misses, a full cache and eviction.
let clock = 0;
const tableVerifier = createNobleTableVerifier({ maxKeys: 2, idleMs: 1000, now: () => clock });

function agree(digest: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  clock += 300;
  const a = nobleVerifier.verify(digest, signature, publicKey);
  const b = nativeVerifier.verify(digest, signature, publicKey);
  const c = tableVerifier.verify(digest, signature, publicKey);
  const d = bundledNativeVerifier.verify(digest, signature, publicKey);
  expect({ native: b, table: c, bundled: d, digest: Buffer.from(digest).toString("hex") }).toEqual({
    native: a,
    table: a,
    bundled: a,
    digest: Buffer.from(digest).toString("hex"),
  });
  return a;
}

// Where the system libsecp256k1's addon is built (always in CI), `nativeVerifier` runs on it and every
// property below compares it with the bundled copy, noble and the table verifier.
const systemAddon = existsSync(SYSTEM_ADDON_PATH) || process.env.CI === "true";
if (!systemAddon) {
  console.warn(
    `libsecp256k1 addon not built (${SYSTEM_ADDON_PATH}): the native verifier tests run on the bundled copy only`,
  );
}

describe("native libsecp256k1 backends", () => {
  (systemAddon ? it : it.skip)("the system libsecp256k1 is the default where its addon is built", () => {
    expect(selectNativeBackend("auto")).toEqual({
      library: "system",
      version: expect.stringMatching(/^\d+\.\d+/),
    });
    expect(nativeBackend().library).toBe("system");
  });

  it("bundled can be chosen, and auto comes back to the best one", () => {
    expect(selectNativeBackend("bundled").library).toBe("bundled");
    const id = deviceIdentityFromPrivateKey(new Uint8Array(32).fill(13));
    const digest = sha256(new Uint8Array([13]));
    expect(nativeVerifier.verify(digest, signDigest(digest, id.privateKey), id.publicKey)).toBe(true);
    expect(selectNativeBackend("auto").library).toBe(systemAddon ? "system" : "bundled");
  });

  it("refuse, without throwing, inputs of the wrong type or length", () => {
    const id = deviceIdentityFromPrivateKey(new Uint8Array(32).fill(14));
    const digest = sha256(new Uint8Array([14]));
    const sig = signDigest(digest, id.privateKey);
    const cases: [unknown, unknown, unknown][] = [
      [digest.subarray(1), sig, id.publicKey],
      [digest, sig.subarray(1), id.publicKey],
      [digest, new Uint8Array([...sig, 0]), id.publicKey],
      [digest, sig, id.publicKey.subarray(1)],
      [digest, sig, new Uint8Array(64)],
      [Array.from(digest), sig, id.publicKey],
      [digest, new Uint16Array(32), id.publicKey],
      [digest, sig, "key"],
    ];
    for (const verifier of [nativeVerifier, bundledNativeVerifier]) {
      expect(verifier.verify(digest, sig, id.publicKey)).toBe(true);
      for (const [d, s, k] of cases) {
        expect(verifier.verify(d as Uint8Array, s as Uint8Array, k as Uint8Array)).toBe(false);
      }
    }
  });

  it("uncompressPublicKey gives noble's 65-byte form of any key, and refuses what is not a point", () => {
    fc.assert(
      fc.property(keyArb, (key) => {
        const compressed = publicKeyFromPrivateKey(key);
        const expected = Point.fromBytes(compressed).toBytes(false);
        expect(uncompressPublicKey(compressed)).toEqual(expected);
        expect(uncompressPublicKey(expected)).toEqual(expected);
      }),
      { numRuns: 50 },
    );
    const notAPoint = publicKeyFromPrivateKey(new Uint8Array(32).fill(15)).fill(0x05, 0, 1);
    expect(() => uncompressPublicKey(notAPoint)).toThrow();
    expect(() => uncompressPublicKey(new Uint8Array(32))).toThrow();
  });

  it("accept the uncompressed form of a key (the verify pool expands keys once per device)", () => {
    fc.assert(
      fc.property(keyArb, fc.uint8Array({ maxLength: 40 }), (key, data) => {
        const digest = sha256(data);
        const uncompressed = Point.fromBytes(publicKeyFromPrivateKey(key)).toBytes(false);
        expect(agree(digest, signDigest(digest, key), uncompressed)).toBe(true);
        expect(agree(digest, toHighS(signDigest(digest, key)), uncompressed)).toBe(false);
      }),
      { numRuns: 50 },
    );
  });
});

describe("native, noble and noble-table verifiers", () => {
  it("both accept every valid low-S signature", () => {
    fc.assert(
      fc.property(keyArb, fc.uint8Array({ maxLength: 100 }), (key, data) => {
        const digest = sha256(data);
        expect(agree(digest, signDigest(digest, key), publicKeyFromPrivateKey(key))).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it("agree on mutated signatures, digests and keys, high-S twins and random garbage", () => {
    const id = deviceIdentityFromPrivateKey(new Uint8Array(32).fill(3));
    const other = deviceIdentityFromPrivateKey(new Uint8Array(32).fill(4));
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.nat({ max: 63 }),
        fc.integer({ min: 1, max: 255 }),
        fc.constantFrom("sig", "digest", "highS", "otherKey", "randomSig", "badKey", "zeroSig"),
        (digest, at, xor, kind) => {
          let sig = signDigest(digest, id.privateKey);
          let d = digest;
          let key = id.publicKey;
          const flip = (bytes: Uint8Array, i: number) => {
            const out = bytes.slice();
            out[i] = out[i]! ^ xor;
            return out;
          };
          if (kind === "sig") sig = flip(sig, at);
          if (kind === "digest") d = flip(d, at % 32);
          if (kind === "highS") sig = toHighS(sig);
          if (kind === "otherKey") key = other.publicKey;
          if (kind === "randomSig") sig = new Uint8Array([...sha256(digest), ...sha256(sig)]);
          if (kind === "badKey") key = flip(key, 0).fill(0x05, 0, 1);
          if (kind === "zeroSig") sig = new Uint8Array(64);
          expect(agree(d, sig, key)).toBe(false);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("both refuse the high-S twin of a valid signature", () => {
    const id = deviceIdentityFromPrivateKey(new Uint8Array(32).fill(5));
    const digest = sha256(new Uint8Array([1, 2, 3]));
    const sig = signDigest(digest, id.privateKey);
    expect(agree(digest, sig, id.publicKey)).toBe(true);
    expect(agree(digest, toHighS(sig), id.publicKey)).toBe(false);
  });

  it("agree when the digest is 0 or n (u1 = 0) and when it exceeds n", () => {
    const id = deviceIdentityFromPrivateKey(new Uint8Array(32).fill(6));
    const n = Uint8Array.from(Buffer.from(SECP256K1_N.toString(16), "hex"));
    for (const digest of [new Uint8Array(32), n, new Uint8Array(32).fill(0xff)]) {
      expect(agree(digest, signDigest(digest, id.privateKey), id.publicKey)).toBe(true);
    }
  });

  it("noble-table with maxKeys 0 keeps no tables and still verifies", () => {
    const verifier = createNobleTableVerifier({ maxKeys: 0 });
    const id = deviceIdentityFromPrivateKey(new Uint8Array(32).fill(12));
    const digest = sha256(new Uint8Array([12]));
    const sig = signDigest(digest, id.privateKey);
    expect([verifier.verify(digest, sig, id.publicKey), verifier.verify(digest, sig, id.publicKey)]).toEqual([
      true,
      true,
    ]);
    expect(verifier.verify(digest, toHighS(sig), id.publicKey)).toBe(false);
  });

  it("noble-table verifies more keys than it caches, and a key evicted after idling still verifies", () => {
    let now = 0;
    const verifier = createNobleTableVerifier({ maxKeys: 2, idleMs: 10_000, now: () => now });
    const ids = [7, 8, 9, 10, 11].map((b) => deviceIdentityFromPrivateKey(new Uint8Array(32).fill(b)));
    for (let round = 0; round < 3; round++) {
      for (const id of ids) {
        now += round === 1 ? 20_000 : 1; // round 1: every cached key has idled, so the cache turns over
        const digest = sha256(new Uint8Array([round, ids.indexOf(id)]));
        const sig = signDigest(digest, id.privateKey);
        expect(verifier.verify(digest, sig, id.publicKey)).toBe(true);
        expect(verifier.verify(digest, sig, ids[(ids.indexOf(id) + 1) % ids.length]!.publicKey)).toBe(false);
      }
    }
  });
});
