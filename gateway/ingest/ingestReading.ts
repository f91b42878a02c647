import { type Address, type CborLimits, DEFAULT_CBOR_LIMITS } from "#protocol";
import { GatewayRefusalCode, Refusal } from "../errors.ts";
import type { IngestDepth } from "../metrics.ts";
import type { DeviceRegistry } from "../registry/deviceRegistry.ts";
import type { InsertOutcome, Store } from "../store/types.ts";
import type { VerifiedReading } from "./checkReading.ts";
import type { ReadingVerifier } from "./verifier.ts";

export type IngestDeps = {
  store: Store;
  registry: DeviceRegistry;
  verifier: ReadingVerifier;
  maxFutureSkewMs: number;
  /** Stage counters read by the metrics (optional in tests). */
  depth?: IngestDepth;
  /** Counts failed durable writes (the store alert's metric); optional in tests. */
  storeWriteErrors?: { inc(): void };
  now?: () => number;
};

export type IngestResult = { status: "inserted" | "duplicate"; reading: VerifiedReading; receivedAt: number };

/** The CBOR limits for a reading of at most `maxMessageBytes`. */
export function readingLimits(maxMessageBytes: number): CborLimits {
  return { ...DEFAULT_CBOR_LIMITS, maxBytes: maxMessageBytes, maxStringBytes: maxMessageBytes };
}

const NO_DEPTH: IngestDepth = { inFlight: 0, verifying: 0, committing: 0 };

/**
 * Takes one reading message from an authenticated device through every check, then stores it durably.
 * Resolves once the reading is committed (or found already stored); rejects with a {@link Refusal}, or
 * with another error when storage fails (then nothing may be acknowledged).
 * Order: the device's record (revoked?), then bytes and signature (off the main thread), then the
 * clock — a `ts` is only worth comparing once it is known to be signed — then the store, which tells
 * a duplicate (same id: acknowledge again) from equivocation (same seq, other bytes: refuse and flag).
 */
export async function ingestReading(
  deps: IngestDeps,
  device: Address,
  raw: Uint8Array,
): Promise<IngestResult> {
  const record = deps.registry.get(device);
  if (!record) throw new Refusal(GatewayRefusalCode.UnknownDevice, "device is not registered");
  if (record.revokedAt !== null) throw new Refusal(GatewayRefusalCode.RevokedDevice, "device key is revoked");
  const depth = deps.depth ?? NO_DEPTH;
  depth.verifying++;
  let reading: VerifiedReading;
  try {
    reading = await deps.verifier.verify(raw, device, record.publicKey);
  } finally {
    depth.verifying--;
  }
  const receivedAt = (deps.now ?? Date.now)();
  if (reading.ts > receivedAt + deps.maxFutureSkewMs) {
    throw new Refusal(GatewayRefusalCode.ClockSkew, "reading ts is ahead of the server clock", {
      ts: reading.ts,
      receivedAt,
    });
  }
  depth.committing++;
  let outcome: InsertOutcome;
  try {
    outcome = await deps.store.insertMessage({
      messageId: reading.messageId,
      device,
      seq: reading.seq,
      raw,
      deviceTs: reading.ts,
      receivedAt,
      payloadJson: reading.payloadJson,
    });
  } catch (error) {
    // Counted here, the one path of every mode (embedded, external, RabbitMQ): each mode only drops its
    // connection, which shows nowhere else.
    deps.storeWriteErrors?.inc();
    throw error;
  } finally {
    depth.committing--;
  }
  if (outcome.status === "equivocation") {
    await deps.registry.flag(device, receivedAt);
    throw new Refusal(GatewayRefusalCode.Equivocation, "another message with this seq is already stored", {
      seq: reading.seq,
      existingId: outcome.existingId,
      messageId: reading.messageId,
    });
  }
  return { status: outcome.status, reading, receivedAt };
}
