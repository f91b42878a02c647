import { encodeCbor } from "./cbor.ts";
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
  return encodeCbor(
    new Map<number, unknown>([
      [HEADER_ALG, ALG_ES256K],
      [HEADER_KID, kid],
    ]),
  );
}

/**
 * The exact bytes an ES256K signature covers: CBOR `["Signature1", protected, h'', payload]` (RFC 9052 §4.4).
 * Both byte strings are taken as received, never re-encoded.
 * @example sigStructure(protectedBytes, payloadBytes) // 84 6a "Signature1" ...
 */
export function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  return encodeCbor(["Signature1", protectedBytes, new Uint8Array(0), payload]);
}

/**
 * The 32-byte digest that is signed: SHA-256 of {@link sigStructure}.
 * @example signingDigest(protectedBytes, payloadBytes).length // 32
 */
export function signingDigest(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  return sha256(sigStructure(protectedBytes, payload));
}
