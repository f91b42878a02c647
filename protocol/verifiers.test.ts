import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import {
  deviceIdentityFromPrivateKey,
  nobleVerifier,
  publicKeyFromPrivateKey,
  sha256,
  signDigest,
  toHighS,
} from "#protocol";
import { nativeVerifier } from "#protocol/native";

const keyArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((k) => {
  try {
    publicKeyFromPrivateKey(k);
    return true;
  } catch {
    return false;
  }
});

function agree(digest: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  const a = nobleVerifier.verify(digest, signature, publicKey);
  const b = nativeVerifier.verify(digest, signature, publicKey);
  expect({ native: b, digest: Buffer.from(digest).toString("hex") }).toEqual({
    native: a,
    digest: Buffer.from(digest).toString("hex"),
  });
  return a;
}

describe("native and noble verifiers", () => {
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
});
