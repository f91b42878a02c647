import { bytesToHex, type Hex } from "./bytes.ts";
import { type CborLimits, DEFAULT_CBOR_LIMITS } from "./cbor.ts";
import {
  type DecodedCoseSign1,
  decodeCoseSign1,
  signCoseSign1,
  verifyDecodedCoseSign1,
} from "./coseSign1.ts";
import { keccak256 } from "./hashes.ts";
import { type Address, addressToBytes, type DeviceIdentity } from "./identity.ts";
import { decodeReadingPayload, encodeReadingPayload, type ReadingPayload } from "./reading.ts";
import type { SignatureVerifier } from "./signature.ts";

/**
 * Message id: keccak256 of the raw message bytes as received.
 * @example messageIdOf(raw) // "0x…" 32 bytes
 */
export function messageIdOf(raw: Uint8Array): Hex {
  return bytesToHex(keccak256(raw));
}

/** A reading message with its id. */
export type SignedReading = { message: Uint8Array; messageId: Hex };

/**
 * Signs a reading payload as the given device.
 * @example signReading(identity, { v: 1, seq: 1, ts: Date.now(), prev: GENESIS_PREV, m: { temp_c: 4.5 } })
 */
export function signReading(identity: DeviceIdentity, payload: ReadingPayload): SignedReading {
  const message = signCoseSign1(
    identity.privateKey,
    addressToBytes(identity.address),
    encodeReadingPayload(payload),
  );
  return { message, messageId: messageIdOf(message) };
}

/** A reading decoded and shape-checked, signature not yet verified. */
export type DecodedReading = DecodedCoseSign1 & {
  /** kid as a lowercase address. */
  device: Address;
  reading: ReadingPayload;
  messageId: Hex;
};

/**
 * Decodes an untrusted reading message: bounded CBOR, COSE_Sign1 shape, ES256K, low-S, payload v1.
 * The signature is checked separately (see {@link verifyReading}) so a gateway can batch it to a worker.
 * @example decodeReading(raw).reading.seq
 */
export function decodeReading(raw: Uint8Array, limits: CborLimits = DEFAULT_CBOR_LIMITS): DecodedReading {
  const cose = decodeCoseSign1(raw, limits);
  const reading = decodeReadingPayload(cose.payload, limits);
  return { ...cose, device: bytesToHex(cose.kid), reading, messageId: messageIdOf(raw) };
}

/**
 * Full check of a reading message from `expectedDevice` with its registered public key.
 * Throws a ProtocolError with the refusal code; returns the decoded reading when valid.
 * @example verifyReading(raw, "0xabc…", publicKey, nobleVerifier).messageId
 */
export function verifyReading(
  raw: Uint8Array,
  expectedDevice: Address,
  publicKey: Uint8Array,
  verifier: SignatureVerifier,
  limits: CborLimits = DEFAULT_CBOR_LIMITS,
): DecodedReading {
  const decoded = decodeReading(raw, limits);
  verifyDecodedCoseSign1(decoded, addressToBytes(expectedDevice), publicKey, verifier);
  return decoded;
}
