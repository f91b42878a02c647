import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { keccak_256 } from "@noble/hashes/sha3.js";

/**
 * keccak256 (Ethereum's, not NIST SHA3-256).
 * @example keccak256(new Uint8Array()) // c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470
 */
export function keccak256(data: Uint8Array): Uint8Array {
  return keccak_256(data);
}

/**
 * SHA-256, the digest ES256K signs.
 * @example sha256(new Uint8Array()) // e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
 */
export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}
