import type { AnchorRecord, EventSignerKind, Hex, MessageMerkleTree } from "#protocol";
import { InvariantError, invariant } from "#protocol";
import { bytesToBase64 } from "./base64.ts";
import {
  EVIDENCE_FORMAT,
  type EvidenceBatch,
  type EvidenceDeviceKey,
  type EvidenceJourney,
  type EvidenceOrganisationKey,
  type EvidencePackage,
  type EvidenceProfile,
  type EvidenceSubject,
} from "./evidencePackage.ts";
import { batchMultiProof } from "./multiproof.ts";

/** A stored event as the builder needs it. */
export type SourceEvent = {
  raw: Uint8Array;
  batchId: number | null;
  signer: Hex;
  signedBy: EventSignerKind;
  organisation: string;
};

/**
 * Where the builder reads what it packs, behind a small interface so that it needs no store, no HTTP and no
 * cache of its own: the API implements it over the store (api/routes/evidence/evidenceSource.ts), tests may
 * use a fake.
 */
export type EvidenceSource = {
  /** A stored reading's raw bytes and batch. */
  reading(messageId: Hex): Promise<{ raw: Uint8Array; batchId: number | null } | undefined>;
  event(messageId: Hex): Promise<SourceEvent | undefined>;
  /** A sealed batch: its stored root, its tree (rebuilt from its ids) and its anchors, in proof-bundle form. */
  batch(batchId: number): Promise<{ root: Hex; tree: MessageMerkleTree; anchors: AnchorRecord[] }>;
  deviceKey(address: Hex): Promise<EvidenceDeviceKey | undefined>;
  /** The key that signed an event: its organisation's key, or the operator's attester key. */
  signerKey(event: SourceEvent): Promise<EvidenceOrganisationKey | undefined>;
};

/** What to pack: the subject, the traced journey, and the messages that back it. */
export type EvidenceContent = {
  subject: EvidenceSubject;
  generatedAt: number;
  profile: EvidenceProfile | null;
  maxSilenceMs: number;
  journey: EvidenceJourney | null;
  /** Every reading the verdict reads, with each sensor's neighbours just outside its stretch. */
  readings: readonly Hex[];
  /** The devices whose keys the package carries (every sensor's, or the device of a device package). */
  devices: readonly Hex[];
  claimed: EvidencePackage["claimed"];
};

type Pack = { readings: string[]; events: string[]; hidden: Hex[]; ids: Hex[] };
const emptyPack = (): Pack => ({ readings: [], events: [], hidden: [], ids: [] });

/**
 * Packs a subject's evidence: the raw bytes of every reading and visible event (base64), only the message
 * id of a private event, grouped by batch with ONE multiproof per batch, each batch's anchors, and the keys
 * of every device and signer named. A tree rebuilt from a batch's ids whose root differs from the stored
 * one is our bug (INVARIANT), never served as evidence.
 * @example const pkg = await buildEvidencePackage(content, source); pkg.batches.length
 */
export async function buildEvidencePackage(
  content: EvidenceContent,
  source: EvidenceSource,
): Promise<EvidencePackage> {
  const byBatch = new Map<number, Pack>();
  const pending = emptyPack();
  const packOf = (batchId: number | null): Pack => {
    if (batchId === null) return pending;
    let pack = byBatch.get(batchId);
    if (pack === undefined) {
      pack = emptyPack();
      byBatch.set(batchId, pack);
    }
    return pack;
  };

  for (const id of new Set(content.readings)) {
    const reading = await source.reading(id);
    invariant(reading !== undefined, `reading ${id} is in the journey but not stored`);
    const pack = packOf(reading.batchId);
    pack.readings.push(bytesToBase64(reading.raw));
    pack.ids.push(id);
  }

  const signerKeys = new Map<Hex, EvidenceOrganisationKey>();
  for (const entry of content.journey?.events ?? []) {
    const event = await source.event(entry.messageId);
    invariant(event !== undefined, `event ${entry.messageId} is in the journey but not stored`);
    const pack = packOf(event.batchId);
    pack.ids.push(entry.messageId);
    if (!entry.visible) {
      pack.hidden.push(entry.messageId);
      continue;
    }
    pack.events.push(bytesToBase64(event.raw));
    if (!signerKeys.has(event.signer)) {
      const key = await source.signerKey(event);
      invariant(
        key !== undefined,
        `event ${entry.messageId} is signed by ${event.signer}, whose key is unknown`,
      );
      signerKeys.set(event.signer, key);
    }
  }

  const batches: EvidenceBatch[] = [];
  for (const batchId of [...byBatch.keys()].sort((a, b) => a - b)) {
    const pack = byBatch.get(batchId)!;
    const { root, tree, anchors } = await source.batch(batchId);
    invariant(
      tree.root === root.toLowerCase(),
      `batch ${batchId}: root rebuilt from its messages ${tree.root} differs from the stored root ${root}`,
    );
    let multiproof: ReturnType<typeof batchMultiProof>;
    try {
      multiproof = batchMultiProof(tree, pack.ids);
    } catch (cause) {
      throw new InvariantError(`batch ${batchId} does not hold every message the store puts in it`, {
        cause,
      });
    }
    batches.push({
      root: tree.root,
      readings: pack.readings,
      events: pack.events,
      hidden: pack.hidden,
      proof: multiproof.proof,
      flags: multiproof.flags,
      anchors,
    });
  }

  const devices: EvidenceDeviceKey[] = [];
  for (const address of new Set(content.devices.map((d) => d.toLowerCase() as Hex))) {
    const key = await source.deviceKey(address);
    invariant(key !== undefined, `device ${address} is in the journey but not registered`);
    devices.push(key);
  }

  return {
    format: EVIDENCE_FORMAT,
    subject: content.subject,
    generatedAt: content.generatedAt,
    leafEncoding: "oz-standard-v1:bytes32",
    profile: content.profile,
    maxSilenceMs: content.maxSilenceMs,
    journey: content.journey,
    keys: { devices, organisations: [...signerKeys.values()] },
    batches,
    pending: { readings: pending.readings, events: pending.events, hidden: pending.hidden },
    claimed: content.claimed,
  };
}
