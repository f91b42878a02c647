import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import * as secp from "@noble/secp256k1";
import type { SignatureVerifier } from "./signature.ts";

// noble's synchronous API needs its hash functions supplied; RFC 6979 uses HMAC-SHA256.
secp.hashes.sha256 = sha256;
secp.hashes.hmacSha256 = (key, msg) => hmac(sha256, key, msg);

/**
 * Portable verifier in pure JavaScript (@noble/secp256k1): the CLI and browser use it. ~350 verifies/s on one
 * core here (bench:protocol); the gateway's noble fallback uses {@link createNobleTableVerifier} instead.
 * @example nobleVerifier.verify(digest, signature, publicKey) // true or false
 */
export const nobleVerifier: SignatureVerifier = {
  name: "noble",
  verify(digest, signature, publicKey) {
    try {
      return secp.verify(signature, digest, publicKey, { prehash: false, lowS: true, format: "compact" });
    } catch {
      return false;
    }
  },
};

/**
 * Signs a 32-byte digest with RFC 6979 deterministic nonces; the result is low-S compact `r||s`.
 * @example signDigest(digest, privateKey).length // 64
 */
export function signDigest(digest: Uint8Array, privateKey: Uint8Array): Uint8Array {
  return secp.sign(digest, privateKey, { prehash: false, lowS: true, format: "compact" });
}
