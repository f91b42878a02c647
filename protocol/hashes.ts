import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { createKeccak, createSHA256, type IHasher } from "hash-wasm";

// Two implementations with the same output: hash-wasm's WebAssembly hashers (keccak256 of a 211-byte
// reading 1.4 µs vs 10–13 µs in pure JS here; SHA-256 2.0 vs 2.9 µs), and @noble/hashes until they are
// ready. WebAssembly can only be instantiated asynchronously, so the first call starts loading it and
// hot paths await `prepareHashes()` once at start. Tests check that both agree on every input.
let wasmKeccak: IHasher | undefined;
let wasmSha256: IHasher | undefined;
let loading: Promise<void> | undefined;

/**
 * Loads the WebAssembly hashers; until it resolves, hashing uses the (slower) pure-JS ones. Idempotent.
 * Never rejects: without WebAssembly the pure-JS hashers stay in use.
 * @example await prepareHashes(); keccak256(bytes) // now on the fast path
 */
export function prepareHashes(): Promise<void> {
  loading ??= Promise.all([createKeccak(256), createSHA256()]).then(
    ([keccak, sha]) => {
      wasmKeccak = keccak;
      wasmSha256 = sha;
    },
    () => {},
  );
  return loading;
}

function digestWith(hasher: IHasher, data: Uint8Array): Uint8Array {
  // One instance per thread, used synchronously from init to digest: calls cannot interleave.
  hasher.init();
  hasher.update(data);
  return hasher.digest("binary");
}

/**
 * keccak256 (Ethereum's, not NIST SHA3-256).
 * @example keccak256(new Uint8Array()) // c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470
 */
export function keccak256(data: Uint8Array): Uint8Array {
  if (wasmKeccak) return digestWith(wasmKeccak, data);
  void prepareHashes();
  return keccak_256(data);
}

/**
 * SHA-256, the digest ES256K signs.
 * @example sha256(new Uint8Array()) // e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
 */
export function sha256(data: Uint8Array): Uint8Array {
  if (wasmSha256) return digestWith(wasmSha256, data);
  void prepareHashes();
  return nobleSha256(data);
}

/** The pure-JS hashers alone, for tests that compare the two implementations. */
export const pureJsHashes = { keccak256: keccak_256, sha256: nobleSha256 };
