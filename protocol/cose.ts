import { sha256 } from "./hashes.ts";

/** COSE algorithm id of ES256K: ECDSA over secp256k1 with SHA-256 (RFC 8812). */
export const ALG_ES256K = -47;
/** CBOR tag of COSE_Sign1 (RFC 9052). */
export const COSE_SIGN1_TAG = 18;
/** COSE header labels (RFC 9052 §3.1). */
export const HEADER_ALG = 1;
export const HEADER_KID = 4;

/**
 * The protected header bytes: CBOR map `{1: -47, 4: kid}` (alg first, then kid; 20-byte kid).
 * @example encodeProtectedHeader(kid) // a2 01 38 2e 04 54 <20 bytes>
 */
export function encodeProtectedHeader(kid: Uint8Array): Uint8Array {
  // Written out rather than through a CBOR encoder: it runs on every received reading (to check that
  // the header is byte-exact), and these are the canonical bytes by construction.
  return concatBytes(PROTECTED_HEADER_PREFIX, byteStringHead(kid.length), kid);
}

/** `a2 01 38 2e 04`: map(2), 1 (alg) → -47 (ES256K), 4 (kid) → … */
const PROTECTED_HEADER_PREFIX = Uint8Array.of(0xa2, HEADER_ALG, 0x38, -1 - ALG_ES256K, HEADER_KID);
/** `84 6a "Signature1"`: array(4), then the context text string. */
const SIG_STRUCTURE_PREFIX = Uint8Array.of(0x84, 0x6a, ...new TextEncoder().encode("Signature1"));
const EMPTY_BYTE_STRING = Uint8Array.of(0x40);

/** The shortest CBOR head of a byte string (major type 2) of `length` bytes (RFC 8949 §3.1). */
function byteStringHead(length: number): Uint8Array {
  if (length < 24) return Uint8Array.of(0x40 | length);
  if (length < 0x100) return Uint8Array.of(0x58, length);
  if (length < 0x10000) return Uint8Array.of(0x59, length >> 8, length & 0xff);
  return Uint8Array.of(0x5a, length >>> 24, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff);
}

function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * The exact bytes an ES256K signature covers: CBOR `["Signature1", protected, h'', payload]` (RFC 9052 §4.4).
 * Both byte strings are taken as received, never re-encoded.
 * @example sigStructure(protectedBytes, payloadBytes) // 84 6a "Signature1" ...
 */
export function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  return concatBytes(
    SIG_STRUCTURE_PREFIX,
    byteStringHead(protectedBytes.length),
    protectedBytes,
    EMPTY_BYTE_STRING,
    byteStringHead(payload.length),
    payload,
  );
}

/**
 * The 32-byte digest that is signed: SHA-256 of {@link sigStructure}.
 * @example signingDigest(protectedBytes, payloadBytes).length // 32
 */
export function signingDigest(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  return sha256(sigStructure(protectedBytes, payload));
}
