import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import type { EvidenceSource } from "#evidence";
import {
  type AnchorRecord,
  addressToBytes,
  assembleCoseSign1,
  bytesToHex,
  type DeviceIdentity,
  deviceIdentityFromPrivateKey,
  encodeProtectedHeader,
  encodeReadingPayload,
  GENESIS_PREV,
  type Hex,
  keccak256,
  MessageMerkleTree,
  messageIdOf,
  readingToJson,
  signDigest,
  signingDigest,
} from "#protocol";

// A sensor's record laid out in batches as a busy gateway seals them, for the evidence benchmarks
// (bench:evidence, bench:audit): the signed readings, the batch trees with other messages' ids around ours,
// and an EvidenceSource over them for buildEvidencePackage.

const MIN = 60_000;

/** The benchmarks' reefer sensor (EXAMPLE key derived from a label). */
export const benchSensor: DeviceIdentity = deviceIdentityFromPrivateKey(
  keccak256(new TextEncoder().encode("EXAMPLE bench evidence reefer")),
);

export type SignedBenchReading = { raw: Uint8Array; id: Hex; payload: Record<string, unknown> };

type NativeSigner = { ecdsaSign(digest: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array } };
function digestSigner(): (digest: Uint8Array, key: Uint8Array) => Uint8Array {
  try {
    const native = createRequire(import.meta.url)("secp256k1/bindings.js") as NativeSigner;
    return (d, k) => native.ecdsaSign(d, k).signature;
  } catch {
    return signDigest;
  }
}

/** `count` readings as the simulator's reefers send them, hash-chained, one a minute from `t0`. */
export function signSensorReadings(count: number, t0: number): SignedBenchReading[] {
  const sign = digestSigner();
  const protectedBytes = encodeProtectedHeader(addressToBytes(benchSensor.address));
  let prev: Uint8Array = GENESIS_PREV;
  const out: SignedBenchReading[] = [];
  for (let seq = 1; seq <= count; seq++) {
    const reading = {
      v: 1 as const,
      seq,
      ts: t0 + (seq - 1) * MIN,
      prev,
      m: { temp_c: 5 + Math.round(Math.sin(seq / 90) * 80) / 100, rh_pct: 88 },
    };
    const payload = encodeReadingPayload(reading);
    const raw = assembleCoseSign1(
      protectedBytes,
      payload,
      sign(signingDigest(protectedBytes, payload), benchSensor.privateKey),
    );
    out.push({ raw, id: messageIdOf(raw), payload: readingToJson(reading) });
    prev = keccak256(raw);
  }
  return out;
}

export type BenchBatches = { trees: MessageMerkleTree[]; batchOf: Map<Hex, number> };

/**
 * Batches as the provenance bench lays out its store: one of ours every `spreadEvery` messages, batches of
 * `batchSize` (so each holds ~batchSize/spreadEvery of ours among random ids: only their place in the
 * trees matters). Batch ids start at 1.
 */
export function layoutBatches(
  readings: readonly SignedBenchReading[],
  batchSize: number,
  spreadEvery: number,
): BenchBatches {
  const perBatch = Math.floor(batchSize / spreadEvery);
  const trees: MessageMerkleTree[] = [];
  const batchOf = new Map<Hex, number>();
  for (let i = 0; i < readings.length; i += perBatch) {
    const ours = readings.slice(i, i + perBatch);
    const ids: Uint8Array[] = [];
    for (const r of ours) ids.push(Uint8Array.from(Buffer.from(r.id.slice(2), "hex")));
    while (ids.length < batchSize) ids.push(randomBytes(32));
    trees.push(MessageMerkleTree.build(ids));
    for (const r of ours) batchOf.set(r.id, trees.length);
  }
  return { trees, batchOf };
}

/** buildEvidencePackage's source over the bench's readings, batches and each batch's anchor records. */
export function benchEvidenceSource(
  readings: readonly SignedBenchReading[],
  batches: BenchBatches,
  anchorsOf: (batchId: number) => AnchorRecord[],
  registeredAt: number,
): EvidenceSource {
  const byId = new Map(readings.map((r) => [r.id, r]));
  return {
    reading: async (id) => ({ raw: byId.get(id)!.raw, batchId: batches.batchOf.get(id) ?? null }),
    event: async () => undefined,
    batch: async (batchId) => ({
      root: batches.trees[batchId - 1]!.root,
      tree: batches.trees[batchId - 1]!,
      anchors: anchorsOf(batchId),
    }),
    deviceKey: async (address) => ({
      address,
      publicKey: bytesToHex(benchSensor.publicKey),
      registeredAt,
      revokedAt: null,
      rotatedFrom: null,
      rotatedTo: null,
      giai: "4012345BENCHREEFER",
    }),
    signerKey: async () => undefined,
  };
}
