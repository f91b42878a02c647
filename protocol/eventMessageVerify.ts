import { verifyDecodedCoseSign1 } from "./coseSign1.ts";
import type { DecodedEventMessage } from "./eventMessage.ts";
import { decodeEventMessage } from "./eventMessageDecode.ts";
import { type Address, addressToBytes } from "./identity.ts";
import type { SignatureVerifier } from "./signature.ts";

/**
 * Full check of an event message signed by `expectedSigner` (an organisation key, or the attester's) with
 * its public key: {@link decodeEventMessage}, then the kid and the ES256K signature through `verifier`.
 * Throws a ProtocolError with the refusal code (KID_MISMATCH, BAD_SIGNATURE, …); returns the decoded event.
 * @example verifyEventMessage(raw, orgKeyAddress, orgPublicKey, nobleVerifier).event
 */
export function verifyEventMessage(
  raw: Uint8Array,
  expectedSigner: Address,
  publicKey: Uint8Array,
  verifier: SignatureVerifier,
): DecodedEventMessage {
  const decoded = decodeEventMessage(raw);
  verifyDecodedCoseSign1(decoded, addressToBytes(expectedSigner), publicKey, verifier);
  return decoded;
}
