import {
  type AnchorRecord,
  bytesToHex,
  type DeviceIdentity,
  deviceIdentityFromPrivateKey,
  GENESIS_PREV,
  type Hex,
  keccak256,
  MessageMerkleTree,
  signReading,
} from "#protocol";
import type { EvidenceContent, EvidenceSource } from "./buildEvidencePackage.ts";

/*
 * Test support for evidence/ (not exported from index.ts): signed readings of example devices, an
 * in-memory EvidenceSource over them, and the content of a device package.
 */

/** An example device (key derived from a label: tests are reproducible). */
export function exampleEvidenceDevice(label: string): DeviceIdentity {
  return deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode(`EXAMPLE evidence ${label}`)));
}

export type ExampleReading = { id: Hex; raw: Uint8Array; device: Hex; ts: number };

/** `count` hash-chained readings, one a minute from `t0`, temperatures from `temp(i)`. */
export function exampleReadings(
  device: DeviceIdentity,
  count: number,
  t0: number,
  temp: (i: number) => number = () => 5,
): ExampleReading[] {
  const out: ExampleReading[] = [];
  let prev: Uint8Array = GENESIS_PREV;
  for (let i = 0; i < count; i++) {
    const signed = signReading(device, {
      v: 1,
      seq: i + 1,
      ts: t0 + i * 60_000,
      prev,
      m: { temp_c: temp(i) },
    });
    prev = keccak256(signed.message);
    out.push({ id: signed.messageId, raw: signed.message, device: device.address, ts: t0 + i * 60_000 });
  }
  return out;
}

/**
 * An EvidenceSource over readings put in batches of `batchSize` in the order given (so a test can mix in
 * other devices' readings, which then sit in the same trees), with `anchors(batchId)` as each batch's.
 */
export function memoryEvidenceSource(
  readings: readonly ExampleReading[],
  devices: readonly DeviceIdentity[],
  batchSize: number,
  anchors: (batchId: number, root: Hex) => AnchorRecord[] = () => [],
): EvidenceSource {
  const batchOf = new Map<Hex, number>();
  const trees: MessageMerkleTree[] = [];
  for (let i = 0; i < readings.length; i += batchSize) {
    const slice = readings.slice(i, i + batchSize);
    trees.push(MessageMerkleTree.build(slice.map((r) => r.id)));
    for (const r of slice) batchOf.set(r.id, trees.length);
  }
  const byId = new Map(readings.map((r) => [r.id, r]));
  return {
    async reading(id) {
      const r = byId.get(id);
      return r && { raw: r.raw, batchId: batchOf.get(id) ?? null };
    },
    async event() {
      return undefined;
    },
    async batch(batchId) {
      const tree = trees[batchId - 1]!;
      return { root: tree.root, tree, anchors: anchors(batchId, tree.root) };
    },
    async deviceKey(address) {
      const d = devices.find((x) => x.address === address);
      return (
        d && {
          address: d.address,
          publicKey: bytesToHex(d.publicKey),
          registeredAt: 0,
          revokedAt: null,
          rotatedFrom: null,
          rotatedTo: null,
          giai: null,
        }
      );
    },
    async signerKey() {
      return undefined;
    },
  };
}

/** The content of a device package over [from, to] with these (verified) readings, edges included. */
export function deviceContent(
  device: Hex,
  readings: readonly ExampleReading[],
  from: number,
  to: number,
): EvidenceContent {
  return {
    subject: { kind: "device", id: device, from, to },
    generatedAt: to,
    profile: null,
    maxSilenceMs: 5 * 60_000,
    journey: null,
    readings: readings.map((r) => r.id),
    devices: [device],
    claimed: { complete: true, verdict: null, gaps: [] },
  };
}
