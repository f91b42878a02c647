import { ProtocolError, ProtocolErrorCode } from "./errors.ts";

/** Order of the secp256k1 group. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const N_BYTES = toBytes32(SECP256K1_N);
const HALF_N_BYTES = toBytes32(SECP256K1_N >> 1n);

function toBytes32(value: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31, v = value; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

/** Compares two 32-byte big-endian numbers: negative, zero or positive. */
function compare32(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function isZero(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b !== 0) return false;
  return true;
}

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
  // Big-endian byte comparisons, not BigInt: this runs on every reading (BigInt cost ~4 µs here).
  const r = signature.subarray(0, 32);
  const s = signature.subarray(32, 64);
  if (isZero(r) || compare32(r, N_BYTES) >= 0 || isZero(s) || compare32(s, N_BYTES) >= 0) {
    throw new ProtocolError(ProtocolErrorCode.MalformedSignature, "signature r or s outside [1, n-1]");
  }
  if (compare32(s, HALF_N_BYTES) > 0)
    throw new ProtocolError(ProtocolErrorCode.HighS, "signature s is in the upper half of the group order");
}

/** Returns the high-S twin of a low-S signature (s' = n - s). Only useful to build refusal tests. */
export function toHighS(signature: Uint8Array): Uint8Array {
  const s = toBigInt(signature.subarray(32, 64));
  const out = signature.slice();
  out.set(toBytes32(SECP256K1_N - s), 32);
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
