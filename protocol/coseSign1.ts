import { bytesEqual } from "./bytes.ts";
import { type CborLimits, DEFAULT_CBOR_LIMITS, decodeCbor, encodeCbor } from "./cbor.ts";
import {
  ALG_ES256K,
  COSE_SIGN1_TAG,
  encodeProtectedHeader,
  HEADER_ALG,
  HEADER_KID,
  signingDigest,
} from "./cose.ts";
import { ProtocolError, ProtocolErrorCode } from "./errors.ts";
import { signDigest } from "./nobleVerifier.ts";
import { assertLowSCompactSignature, type SignatureVerifier } from "./signature.ts";

/** A COSE_Sign1 split into its parts, with the digest its signature must cover. */
export type DecodedCoseSign1 = {
  /** Protected header bytes exactly as received. */
  protectedBytes: Uint8Array;
  /** The 20-byte kid from the protected header. */
  kid: Uint8Array;
  /** Payload bytes exactly as received. */
  payload: Uint8Array;
  /** Compact r||s, already checked to be low-S and in range. */
  signature: Uint8Array;
  /** SHA-256 of the Sig_structure over the received bytes. */
  digest: Uint8Array;
};

const TAG_BYTE = 0xc0 | COSE_SIGN1_TAG; // d2: major type 6, tag 18

/**
 * Builds a tagged COSE_Sign1 `18([protected, {}, payload, signature])` signed with ES256K.
 * @example signCoseSign1(privateKey, kid, payloadBytes) // Uint8Array starting d2 84
 */
export function signCoseSign1(privateKey: Uint8Array, kid: Uint8Array, payload: Uint8Array): Uint8Array {
  const protectedBytes = encodeProtectedHeader(kid);
  const signature = signDigest(signingDigest(protectedBytes, payload), privateKey);
  return assembleCoseSign1(protectedBytes, payload, signature);
}

/** Serialises the four parts into a tagged COSE_Sign1 (no signing). Test vectors use it to build forgeries. */
export function assembleCoseSign1(
  protectedBytes: Uint8Array,
  payload: Uint8Array,
  signature: Uint8Array,
): Uint8Array {
  const body = encodeCbor([protectedBytes, new Map(), payload, signature]);
  const out = new Uint8Array(body.length + 1);
  out[0] = TAG_BYTE;
  out.set(body, 1);
  return out;
}

/**
 * Parses untrusted bytes as a tagged COSE_Sign1 with an ES256K protected header, within `limits`.
 * Checks structure, alg, kid length and signature shape (low-S) but not the signature itself.
 * @example decodeCoseSign1(raw).kid // 20 bytes
 */
export function decodeCoseSign1(raw: Uint8Array, limits: CborLimits = DEFAULT_CBOR_LIMITS): DecodedCoseSign1 {
  if (raw.length > limits.maxBytes) {
    throw new ProtocolError(
      ProtocolErrorCode.TooLarge,
      `message of ${raw.length} bytes exceeds ${limits.maxBytes}`,
    );
  }
  if (raw.length === 0 || raw[0] !== TAG_BYTE) {
    throw new ProtocolError(
      ProtocolErrorCode.MalformedCose,
      "message must start with CBOR tag 18 (COSE_Sign1)",
    );
  }
  const outer = decodeCbor(raw.subarray(1), limits);
  if (!Array.isArray(outer) || outer.length !== 4) {
    throw new ProtocolError(ProtocolErrorCode.MalformedCose, "COSE_Sign1 must be an array of 4 items");
  }
  const [protectedBytes, unprotected, payload, signature] = outer as unknown[];
  if (
    !(protectedBytes instanceof Uint8Array) ||
    !(payload instanceof Uint8Array) ||
    !(signature instanceof Uint8Array)
  ) {
    throw new ProtocolError(
      ProtocolErrorCode.MalformedCose,
      "protected, payload and signature must be byte strings",
    );
  }
  if (!(unprotected instanceof Map) || unprotected.size !== 0) {
    throw new ProtocolError(ProtocolErrorCode.MalformedCose, "unprotected header must be an empty map");
  }
  const header = decodeCbor(protectedBytes, limits);
  if (!(header instanceof Map) || header.size !== 2) {
    throw new ProtocolError(
      ProtocolErrorCode.MalformedCose,
      "protected header must be a map {1: alg, 4: kid}",
    );
  }
  const alg = header.get(HEADER_ALG);
  if (alg !== ALG_ES256K) {
    throw new ProtocolError(ProtocolErrorCode.UnsupportedAlgorithm, "alg must be ES256K (-47)", {
      details: { alg: String(alg) },
    });
  }
  const kid = header.get(HEADER_KID);
  if (!(kid instanceof Uint8Array) || kid.length !== 20) {
    throw new ProtocolError(ProtocolErrorCode.KidMismatch, "kid must be the 20-byte device address");
  }
  // Byte-exact: a header with the same content but other bytes (keys reordered, longer integers) would
  // make the signed bytes ambiguous for verifiers that re-encode.
  if (!bytesEqual(protectedBytes, encodeProtectedHeader(kid))) {
    throw new ProtocolError(
      ProtocolErrorCode.MalformedCose,
      "protected header must be exactly a2 01 38 2e 04 54 <kid>",
    );
  }
  assertLowSCompactSignature(signature);
  return {
    protectedBytes: new Uint8Array(protectedBytes),
    kid: new Uint8Array(kid),
    payload: new Uint8Array(payload),
    signature: new Uint8Array(signature),
    digest: signingDigest(protectedBytes, payload),
  };
}

/**
 * Checks the signature of a decoded COSE_Sign1 against the expected signer; throws KID_MISMATCH or
 * BAD_SIGNATURE.
 * @example verifyDecodedCoseSign1(decoded, kidBytes, publicKey, nativeVerifier)
 */
export function verifyDecodedCoseSign1(
  decoded: DecodedCoseSign1,
  expectedKid: Uint8Array,
  publicKey: Uint8Array,
  verifier: SignatureVerifier,
): void {
  if (!bytesEqual(decoded.kid, expectedKid)) {
    throw new ProtocolError(ProtocolErrorCode.KidMismatch, "kid is not the expected device");
  }
  if (!verifier.verify(decoded.digest, decoded.signature, publicKey)) {
    throw new ProtocolError(ProtocolErrorCode.BadSignature, "signature does not verify with the device key");
  }
}
