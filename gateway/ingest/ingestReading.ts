import {
  type Address,
  type CborLimits,
  DEFAULT_CBOR_LIMITS,
  type DecodedReading,
  decodeReading,
  isProtocolError,
  readingToJson,
  type SignatureVerifier,
} from "#protocol";
import { GatewayRefusalCode, Refusal } from "../errors.ts";
import type { DeviceRegistry } from "../registry/deviceRegistry.ts";
import type { Store } from "../store/types.ts";

/** Signature checking, possibly off-thread (a worker pool implements the same shape). */
export interface AsyncSignatureVerifier {
  verify(digest: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): Promise<boolean>;
}

/** Wraps a synchronous verifier (the native one is fast enough to run inline). */
export function inlineVerifier(verifier: SignatureVerifier): AsyncSignatureVerifier {
  return { verify: async (d, s, k) => verifier.verify(d, s, k) };
}

export type IngestDeps = {
  store: Store;
  registry: DeviceRegistry;
  verifier: AsyncSignatureVerifier;
  maxMessageBytes: number;
  maxFutureSkewMs: number;
  now?: () => number;
};

export type IngestResult = { status: "inserted" | "duplicate"; reading: DecodedReading };

/**
 * Takes one reading message from an authenticated device through every check, then stores it durably.
 * Resolves once the reading is committed (or found already stored); rejects with a {@link Refusal}.
 * The order of checks puts the cheap ones first and the signature before anything touches storage.
 */
export async function ingestReading(
  deps: IngestDeps,
  device: Address,
  raw: Uint8Array,
): Promise<IngestResult> {
  const limits: CborLimits = {
    ...DEFAULT_CBOR_LIMITS,
    maxBytes: deps.maxMessageBytes,
    maxStringBytes: deps.maxMessageBytes,
  };
  let reading: DecodedReading;
  try {
    reading = decodeReading(raw, limits);
  } catch (error) {
    if (isProtocolError(error)) throw new Refusal(error.code, error.shortMessage);
    throw error;
  }
  if (reading.device !== device) throw new Refusal("KID_MISMATCH", "kid is not the connected device");
  const record = deps.registry.get(device);
  if (!record) throw new Refusal(GatewayRefusalCode.UnknownDevice, "device is not registered");
  if (record.revokedAt !== null) throw new Refusal(GatewayRefusalCode.RevokedDevice, "device key is revoked");
  const receivedAt = (deps.now ?? Date.now)();
  if (reading.reading.ts > receivedAt + deps.maxFutureSkewMs) {
    throw new Refusal(GatewayRefusalCode.ClockSkew, "reading ts is ahead of the server clock", {
      ts: reading.reading.ts,
      receivedAt,
    });
  }
  if (!(await deps.verifier.verify(reading.digest, reading.signature, record.publicKey))) {
    throw new Refusal("BAD_SIGNATURE", "signature does not verify with the registered key");
  }
  const outcome = await deps.store.insertMessage({
    messageId: reading.messageId,
    device,
    seq: reading.reading.seq,
    raw,
    deviceTs: reading.reading.ts,
    receivedAt,
    payloadJson: JSON.stringify(readingToJson(reading.reading)),
  });
  if (outcome.status === "equivocation") {
    await deps.registry.flag(device, receivedAt);
    throw new Refusal(GatewayRefusalCode.Equivocation, "another message with this seq is already stored", {
      seq: reading.reading.seq,
      existingId: outcome.existingId,
      messageId: reading.messageId,
    });
  }
  return { status: outcome.status, reading };
}

/** The CBOR body published on `devices/{address}/errors`. */
export function refusalBody(messageId: string | null, refusal: Refusal): Record<string, string | null> {
  return { id: messageId, code: refusal.code, detail: refusal.shortMessage };
}
