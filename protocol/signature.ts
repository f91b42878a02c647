import { ProtocolError, ProtocolErrorCode } from "./errors.ts";

/** Order of the secp256k1 group. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = SECP256K1_N >> 1n;

function toBigInt(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/**
 * Checks the shape of a compact `r||s` signature before any curve arithmetic: 64 bytes, r and s in
 * [1, n-1], and s <= n/2 (low-S; the high-S twin of a valid signature is refused as HIGH_S so that
 * a message has exactly one valid signature encoding).
 * @example assertLowSCompactSignature(sig) // throws ProtocolError HIGH_S for s > n/2
 */
export function assertLowSCompactSignature(signature: Uint8Array): void {
  if (signature.length !== 64) {
    throw new ProtocolError(
      ProtocolErrorCode.MalformedSignature,
      `signature must be 64 bytes r||s, got ${signature.length}`,
    );
  }
  const r = toBigInt(signature.subarray(0, 32));
  const s = toBigInt(signature.subarray(32, 64));
  if (r === 0n || r >= SECP256K1_N || s === 0n || s >= SECP256K1_N) {
    throw new ProtocolError(ProtocolErrorCode.MalformedSignature, "signature r or s outside [1, n-1]");
  }
  if (s > HALF_N)
    throw new ProtocolError(ProtocolErrorCode.HighS, "signature s is in the upper half of the group order");
}

/** Returns the high-S twin of a low-S signature (s' = n - s). Only useful to build refusal tests. */
export function toHighS(signature: Uint8Array): Uint8Array {
  const s = toBigInt(signature.subarray(32, 64));
  const out = signature.slice();
  let hi = SECP256K1_N - s;
  for (let i = 63; i >= 32; i--) {
    out[i] = Number(hi & 0xffn);
    hi >>= 8n;
  }
  return out;
}

/**
 * Verifies an ES256K signature over a 32-byte SHA-256 digest. Implementations must agree on every input:
 * low-S only, compressed 33-byte public keys, compact 64-byte signatures. They return false (never throw)
 * for a well-shaped signature that does not verify.
 */
export interface SignatureVerifier {
  readonly name: string;
  verify(digest: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean;
}
