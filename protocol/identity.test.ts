import { describe, expect, it } from "@jest/globals";
import { computeAddress, getAddress, SigningKey } from "ethers";
import fc from "fast-check";
import {
  addressFromPublicKey,
  bytesToHex,
  compressPublicKey,
  deviceIdentityFromPrivateKey,
  isProtocolError,
  normalizeAddress,
  publicKeyFromPrivateKey,
  toChecksumAddress,
} from "#protocol";

const privateKeyArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((k) => {
  try {
    publicKeyFromPrivateKey(k);
    return true;
  } catch {
    return false;
  }
});

describe("device identity", () => {
  it("derives the same address and compressed key as ethers for any private key", () => {
    fc.assert(
      fc.property(privateKeyArb, (key) => {
        const id = deviceIdentityFromPrivateKey(key);
        const signingKey = new SigningKey(bytesToHex(key));
        expect(bytesToHex(id.publicKey)).toBe(signingKey.compressedPublicKey);
        expect(id.address).toBe(computeAddress(signingKey.publicKey).toLowerCase());
        expect(toChecksumAddress(id.address)).toBe(computeAddress(signingKey.publicKey));
      }),
      { numRuns: 100 },
    );
  });

  it("gives the same address for the compressed and uncompressed form of a key", () => {
    const id = deviceIdentityFromPrivateKey(new Uint8Array(32).fill(7));
    const uncompressed = new SigningKey(bytesToHex(id.privateKey)).publicKey;
    expect(addressFromPublicKey(Buffer.from(uncompressed.slice(2), "hex"))).toBe(id.address);
    expect(compressPublicKey(Buffer.from(uncompressed.slice(2), "hex"))).toEqual(id.publicKey);
  });

  it("normalizes addresses to lowercase and refuses a bad EIP-55 checksum", () => {
    const checksummed = getAddress("0x7e5f4552091a69125d5dfcb7b8c2659029395bdf");
    expect(normalizeAddress(checksummed)).toBe("0x7e5f4552091a69125d5dfcb7b8c2659029395bdf");
    expect(normalizeAddress(checksummed.toUpperCase().replace("0X", "0x"))).toBe(
      "0x7e5f4552091a69125d5dfcb7b8c2659029395bdf",
    );
    const broken = `${checksummed.slice(0, 3)}${checksummed[3] === "E" ? "e" : "E"}${checksummed.slice(4)}`;
    expect(() => normalizeAddress(broken)).toThrow(/EIP-55/);
    expect(() => normalizeAddress("0x1234")).toThrow(/40 hex digits/);
  });

  it("refuses invalid private keys and points not on the curve", () => {
    expect(() => publicKeyFromPrivateKey(new Uint8Array(32))).toThrow();
    expect(() => publicKeyFromPrivateKey(new Uint8Array(31).fill(1))).toThrow();
    const notAPoint = new Uint8Array(33).fill(0xff);
    notAPoint[0] = 2;
    try {
      addressFromPublicKey(notAPoint);
      throw new Error("accepted a non-point");
    } catch (error) {
      expect(isProtocolError(error, "INVALID_ARGUMENT")).toBe(true);
    }
  });
});
