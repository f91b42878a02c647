import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { bytesToHex } from "./bytes.ts";
import { keccak256, prepareHashes, pureJsHashes, sha256 } from "./hashes.ts";

const EMPTY_KECCAK = "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470";
const EMPTY_SHA256 = "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

describe("hashes", () => {
  it("give the known digests of the empty input before and after the WebAssembly hashers load", async () => {
    const before = [bytesToHex(keccak256(new Uint8Array())), bytesToHex(sha256(new Uint8Array()))];
    await prepareHashes();
    const after = [bytesToHex(keccak256(new Uint8Array())), bytesToHex(sha256(new Uint8Array()))];
    expect(before).toEqual([EMPTY_KECCAK, EMPTY_SHA256]);
    expect(after).toEqual([EMPTY_KECCAK, EMPTY_SHA256]);
  });

  it("WebAssembly and pure-JS hashers agree on any input, across block boundaries", async () => {
    await prepareHashes();
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 700 }), (data) => {
        expect(bytesToHex(keccak256(data))).toBe(bytesToHex(pureJsHashes.keccak256(data)));
        expect(bytesToHex(sha256(data))).toBe(bytesToHex(pureJsHashes.sha256(data)));
      }),
      { numRuns: 2000 },
    );
    // Exactly at and around keccak's 136-byte rate and SHA-256's 64-byte block.
    for (const length of [55, 56, 63, 64, 65, 135, 136, 137, 271, 272, 273]) {
      const data = new Uint8Array(length).map((_, i) => (i * 31 + length) & 0xff);
      expect(bytesToHex(keccak256(data))).toBe(bytesToHex(pureJsHashes.keccak256(data)));
      expect(bytesToHex(sha256(data))).toBe(bytesToHex(pureJsHashes.sha256(data)));
    }
  });

  it("returns a fresh array each call: a later hash does not overwrite an earlier digest", async () => {
    await prepareHashes();
    const first = keccak256(new Uint8Array([1]));
    const copy = first.slice();
    keccak256(new Uint8Array([2]));
    expect(first).toEqual(copy);
  });
});
