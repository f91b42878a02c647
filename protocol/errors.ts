/**
 * Typed errors. Every refusal the protocol can produce has a stable `code` that appears in logs, metrics,
 * the `devices/{address}/errors` topic and docs/protocol.md. `shortMessage` is for humans; `details`
 * carries the offending values; `cause` chains the underlying error.
 */

/** Reasons a message, token or bundle is refused. Stable: firmware and dashboards key on these strings. */
export const ProtocolErrorCode = {
  /** Input is larger than the configured cap; nothing was decoded. */
  TooLarge: "TOO_LARGE",
  /** Not well-formed CBOR (truncated, reserved bits, trailing bytes). */
  MalformedCbor: "MALFORMED_CBOR",
  /** Well-formed CBOR outside the accepted subset (indefinite length, unknown tag, depth, length, duplicate key, ...). */
  UnsupportedCbor: "UNSUPPORTED_CBOR",
  /** CBOR that decodes but is not a COSE_Sign1 of the expected shape. */
  MalformedCose: "MALFORMED_COSE",
  /** Protected header alg is not ES256K (-47). */
  UnsupportedAlgorithm: "UNSUPPORTED_ALG",
  /** kid missing, not 20 bytes, or not the expected device. */
  KidMismatch: "KID_MISMATCH",
  /** Signature has s > n/2 (malleable); only low-S is accepted. */
  HighS: "HIGH_S",
  /** r or s outside [1, n-1] or signature not 64 bytes. */
  MalformedSignature: "MALFORMED_SIGNATURE",
  /** Signature does not verify with the device's public key. */
  BadSignature: "BAD_SIGNATURE",
  /** Payload is not a valid reading v1 (missing or extra keys, wrong types, ranges). */
  InvalidPayload: "INVALID_PAYLOAD",
  /** Payload format version other than 1. */
  UnsupportedVersion: "UNSUPPORTED_VERSION",
  /** CONNECT token: wrong audience, client id or shape. */
  InvalidToken: "INVALID_TOKEN",
  /** CONNECT token: iat outside the accepted window. */
  ExpiredToken: "EXPIRED_TOKEN",
  /** A key, address or hex string is malformed. */
  InvalidArgument: "INVALID_ARGUMENT",
  /**
   * Event message: the protected header's content type (label 3) is missing or names neither an
   * organisation-signed event nor an attested one. A reading (no content type) given as an event gets it.
   */
  UnsupportedContentType: "UNSUPPORTED_CONTENT_TYPE",
  /** Event message: the payload is not one EPCIS event as UTF-8 JSON (or, attested, not `{org, event}`). */
  InvalidEvent: "INVALID_EVENT",
  /** Proof bundle does not follow sealtrail-proof-v1 (or sealtrail-event-proof-v1). */
  InvalidBundle: "INVALID_BUNDLE",
  /** Merkle proof does not lead to the stated root. */
  BadMerkleProof: "BAD_MERKLE_PROOF",
} as const;
export type ProtocolErrorCode = (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode];

export type SealtrailErrorOptions = {
  details?: Record<string, unknown>;
  cause?: unknown;
};

/** Base of every error Sealtrail throws on purpose. */
export class SealtrailError extends Error {
  override name = "SealtrailError";
  readonly code: string;
  readonly shortMessage: string;
  readonly details: Record<string, unknown>;

  constructor(code: string, shortMessage: string, options: SealtrailErrorOptions = {}) {
    super(`${code}: ${shortMessage}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.shortMessage = shortMessage;
    this.details = options.details ?? {};
  }
}

/** A refusal caused by the input (a caller's or a device's mistake), never by our own code. */
export class ProtocolError extends SealtrailError {
  override name = "ProtocolError";
  declare readonly code: ProtocolErrorCode;

  constructor(code: ProtocolErrorCode, shortMessage: string, options: SealtrailErrorOptions = {}) {
    super(code, shortMessage, options);
  }
}

/** Our own bug: a condition the code relies on does not hold. Never caused by input. */
export class InvariantError extends SealtrailError {
  override name = "InvariantError";
  constructor(shortMessage: string, options: SealtrailErrorOptions = {}) {
    super("INVARIANT", shortMessage, options);
  }
}

/** Throws an {@link InvariantError} when `condition` is false. */
export function invariant(condition: unknown, shortMessage: string): asserts condition {
  if (!condition) throw new InvariantError(shortMessage);
}

/** Throws a {@link ProtocolError} with code INVALID_ARGUMENT when `condition` is false. */
export function validateArgument(
  condition: unknown,
  shortMessage: string,
  details?: Record<string, unknown>,
): asserts condition {
  if (!condition)
    throw new ProtocolError(ProtocolErrorCode.InvalidArgument, shortMessage, details ? { details } : {});
}

/** True when `error` is a {@link ProtocolError}, optionally with the given code. */
export function isProtocolError(error: unknown, code?: ProtocolErrorCode): error is ProtocolError {
  return error instanceof ProtocolError && (code === undefined || error.code === code);
}
