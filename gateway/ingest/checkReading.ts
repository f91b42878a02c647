import {
  type Address,
  type CborLimits,
  type Hex,
  isProtocolError,
  readingToJson,
  type SignatureVerifier,
  verifyReading,
} from "#protocol";
import { Refusal } from "../errors.ts";

/** What the gateway keeps of a reading whose bytes, kid and signature have been checked. */
export type VerifiedReading = {
  messageId: Hex;
  seq: number;
  /** Device clock, ms. */
  ts: number;
  /** The decoded payload as JSON text (informative; proofs use the raw bytes). */
  payloadJson: string;
};

/**
 * Everything about a reading that depends only on its bytes and the device's key: bounded decoding,
 * COSE_Sign1 shape, alg, kid = `device`, low-S, payload v1, and the signature. Pure and synchronous, so
 * it runs the same on the main thread and in a verify worker. Throws a {@link Refusal} with the
 * protocol's code.
 * @example checkReading(raw, device.address, device.publicKey, nativeVerifier, limits).messageId
 */
export function checkReading(
  raw: Uint8Array,
  device: Address,
  publicKey: Uint8Array,
  verifier: SignatureVerifier,
  limits: CborLimits,
): VerifiedReading {
  try {
    const decoded = verifyReading(raw, device, publicKey, verifier, limits);
    return {
      messageId: decoded.messageId,
      seq: decoded.reading.seq,
      ts: decoded.reading.ts,
      payloadJson: JSON.stringify(readingToJson(decoded.reading)),
    };
  } catch (error) {
    if (isProtocolError(error)) throw new Refusal(error.code, error.shortMessage);
    throw error;
  }
}
