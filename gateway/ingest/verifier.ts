import type { Address, CborLimits, SignatureVerifier } from "#protocol";
import { checkReading, type VerifiedReading } from "./checkReading.ts";

/**
 * Checks a reading's bytes and signature, possibly off the main thread (the verify pool implements it):
 * resolves with the verified fields, rejects with a Refusal.
 */
export interface ReadingVerifier {
  verify(raw: Uint8Array, device: Address, publicKey: Uint8Array): Promise<VerifiedReading>;
}

/**
 * Checks readings on the calling thread (verifyPoolSize = 0, tests).
 * @example inlineReadingVerifier(nativeVerifier, readingLimits(4096)).verify(raw, address, publicKey)
 */
export function inlineReadingVerifier(verifier: SignatureVerifier, limits: CborLimits): ReadingVerifier {
  return { verify: async (raw, device, publicKey) => checkReading(raw, device, publicKey, verifier, limits) };
}
