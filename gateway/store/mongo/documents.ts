// The documents of the MongoDB store (models.ts) as TypeScript sees them through the driver, typed
// collections over the models, and the mapping to the store's records (../types.ts, ../eventTypes.ts).
import type mongoose from "mongoose";
import { type Address, bytesToHex, type Hex, hexToBytes, type RegistryKeyKind } from "#protocol";
import type { OrganisationKeyRecord, StoredEvent } from "../eventTypes.ts";
import type { RegistryOperationKind, RegistryOperationState } from "../registryOutboxTypes.ts";
import type { AnchorRecord, BatchRecord, DeviceRecord, StoredMessage } from "../types.ts";
import type { Models } from "./models.ts";

type Binary = mongoose.mongo.Binary;
type Collection<T extends mongoose.mongo.Document> = mongoose.mongo.Collection<T>;
export type ClientSession = mongoose.mongo.ClientSession;

export type MessageDoc = {
  _id: Buffer | Binary;
  n: number;
  kind: "reading" | "event";
  device: string;
  seq?: number;
  raw: Buffer | Binary;
  deviceTs: number;
  receivedAt: number;
  payload?: string;
  prev?: string;
  tempC?: number;
};

export type BatchDoc = {
  _id: number;
  root: Buffer | Binary;
  firstN: number;
  lastN: number;
  size: number;
  sealedAt: number;
};

export type AnchorDoc = {
  batchId: number;
  chainId: number;
  contract: string;
  contractKey: string;
  root: Buffer | Binary;
  status: AnchorRecord["status"];
  txHash: string | null;
  nonce: number | null;
  rawTx: string | null;
  maxFeePerGas: string | null;
  maxPriorityFeePerGas: string | null;
  submittedAt: number | null;
  attempts: number;
  blockNumber: number | null;
  blockTimestamp: number | null;
  gasUsed: string | null;
  feeWei: string | null;
  updatedAt: number;
};

export type DeviceDoc = {
  _id: string;
  publicKey: Buffer | Binary;
  label: string;
  registeredAt: number;
  revokedAt: number | null;
  flaggedAt: number | null;
  rotatedFrom: string | null;
  rotatedTo: string | null;
  giai?: string;
};

export type OrganisationKeyDoc = {
  _id: string;
  organisation: string;
  publicKey: Buffer | Binary;
  registeredAt: number;
  revokedAt: number | null;
  rotatedFrom: string | null;
  rotatedTo: string | null;
};

/** One registry operation (models.ts, registryOutbox.ts); `_id` is its place in the outbox. */
export type RegistryOperationDoc = {
  _id: number;
  keyKind: RegistryKeyKind;
  operation: RegistryOperationKind;
  address: string;
  newAddress: string | null;
  publicKey: Buffer | Binary | null;
  requestedAt: number;
  state: RegistryOperationState;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  chainId: number | null;
  contract: string | null;
  txHash: string | null;
  blockNumber: number | null;
  blockTimestamp: number | null;
  updatedAt: number;
};

export type SensorReportDoc = {
  type: string | null;
  deviceId: string | null;
  uom: string | null;
  value: number | null;
  kelvin: number | null;
};

export type EventDoc = {
  _id: number;
  messageId: Buffer | Binary;
  eventHash: string;
  eventId: string;
  organisation: string;
  signedBy: "organisation" | "attester";
  type: string;
  eventTime: number;
  recordTime: number;
  action: string | null;
  bizStep: string | null;
  disposition: string | null;
  readPoint: string | null;
  bizLocation: string | null;
  visibility: "public" | "private";
  eventJson: string;
  epcs: { epc: string; role: StoredEvent["epcs"][number]["role"] }[];
  sensorReports: SensorReportDoc[];
};

/** The driver collections of the models, typed by their documents. */
export function collectionsOf(models: Models) {
  const typed = <T extends mongoose.mongo.Document>(model: { collection: unknown }) =>
    model.collection as Collection<T>;
  return {
    messages: typed<MessageDoc>(models.messages),
    batches: typed<BatchDoc>(models.batches),
    anchors: typed<AnchorDoc>(models.anchors),
    anchorLeases: typed<{ _id: string; holder: string; expiresAt: number }>(models.anchorLeases),
    devices: typed<DeviceDoc>(models.devices),
    meta: typed<{ _id: string; value: string }>(models.meta),
    counters: typed<{ _id: string; value: number }>(models.counters),
    organisations: typed<{ _id: string; name: string; createdAt: number }>(models.organisations),
    glns: typed<{ _id: string; organisation: string }>(models.glns),
    organisationKeys: typed<OrganisationKeyDoc>(models.organisationKeys),
    credentials: typed<{
      _id: string;
      organisation: string;
      tokenSha256: Buffer | Binary;
      label: string;
      createdAt: number;
      revokedAt: number | null;
    }>(models.credentials),
    events: typed<EventDoc>(models.events),
    captureJobs: typed<{
      _id: string;
      organisation: string | null;
      state: "running" | "success" | "failed";
      createdAt: number;
      finishedAt: number | null;
      result: string;
    }>(models.captureJobs),
    profiles: typed<{
      _id: string;
      name: string;
      minC: number;
      maxC: number;
      maxSingleExcursionMs: number;
      maxCumulativeExcursionMs: number;
      updatedAt: number;
    }>(models.profiles),
    registryOutbox: typed<RegistryOperationDoc>(models.registryOutbox),
  };
}

export type Collections = ReturnType<typeof collectionsOf>;

/** The bytes of a stored binary (the driver reads BSON binary back as `Binary`). */
export function bytesOf(value: Buffer | Binary | Uint8Array): Uint8Array {
  if (value instanceof Uint8Array) return value;
  return value.buffer.subarray(0, value.position);
}

/** A `0x…` id as the binary the store keys by. */
export const idBuffer = (hex: Hex): Buffer => Buffer.from(hexToBytes(hex, 32));

export const hexOf = (value: Buffer | Binary): Hex => bytesToHex(bytesOf(value));

export function deviceFromDoc(d: DeviceDoc): DeviceRecord {
  return {
    address: d._id as Address,
    publicKey: new Uint8Array(bytesOf(d.publicKey)),
    label: d.label,
    registeredAt: d.registeredAt,
    revokedAt: d.revokedAt ?? null,
    flaggedAt: d.flaggedAt ?? null,
    rotatedFrom: (d.rotatedFrom ?? null) as Address | null,
    rotatedTo: (d.rotatedTo ?? null) as Address | null,
    giai: d.giai ?? null,
  };
}

export function messageFromDoc(d: MessageDoc, batchId: number | null): StoredMessage {
  return {
    messageId: hexOf(d._id),
    device: d.device as Address,
    seq: d.seq ?? 0,
    raw: new Uint8Array(bytesOf(d.raw)),
    deviceTs: d.deviceTs,
    receivedAt: d.receivedAt,
    payloadJson: d.payload ?? "",
    batchId,
  };
}

export const batchFromDoc = (b: BatchDoc): BatchRecord => ({
  id: b._id,
  root: hexOf(b.root),
  size: b.size,
  sealedAt: b.sealedAt,
});

export function anchorFromDoc(a: AnchorDoc): AnchorRecord {
  return {
    batchId: a.batchId,
    chainId: a.chainId,
    contract: a.contract as Address,
    root: hexOf(a.root),
    status: a.status,
    txHash: (a.txHash ?? null) as Hex | null,
    nonce: a.nonce ?? null,
    rawTx: (a.rawTx ?? null) as Hex | null,
    maxFeePerGas: a.maxFeePerGas ?? null,
    maxPriorityFeePerGas: a.maxPriorityFeePerGas ?? null,
    submittedAt: a.submittedAt ?? null,
    attempts: a.attempts,
    blockNumber: a.blockNumber ?? null,
    blockTimestamp: a.blockTimestamp ?? null,
    gasUsed: a.gasUsed ?? null,
    feeWei: a.feeWei ?? null,
    updatedAt: a.updatedAt,
  };
}

export function organisationKeyFromDoc(k: OrganisationKeyDoc): OrganisationKeyRecord {
  return {
    address: k._id as Address,
    organisation: k.organisation,
    publicKey: new Uint8Array(bytesOf(k.publicKey)),
    registeredAt: k.registeredAt,
    revokedAt: k.revokedAt ?? null,
    rotatedFrom: (k.rotatedFrom ?? null) as Address | null,
    rotatedTo: (k.rotatedTo ?? null) as Address | null,
  };
}

/** Roles sort as SQLite's `ORDER BY role, epc` does (text order of the role names). */
export function sortedEpcs(epcs: EventDoc["epcs"]): EventDoc["epcs"] {
  return [...epcs].sort((a, b) =>
    a.role === b.role ? (a.epc < b.epc ? -1 : a.epc > b.epc ? 1 : 0) : a.role < b.role ? -1 : 1,
  );
}

export function eventFromDoc(e: EventDoc, message: MessageDoc, batchId: number | null): StoredEvent {
  return {
    arrival: e._id,
    batchId,
    messageId: hexOf(e.messageId),
    raw: new Uint8Array(bytesOf(message.raw)),
    signer: message.device as Address,
    signedBy: e.signedBy,
    organisation: e.organisation,
    eventHash: e.eventHash,
    eventId: e.eventId,
    type: e.type,
    eventTime: e.eventTime,
    recordTime: e.recordTime,
    action: e.action ?? null,
    bizStep: e.bizStep ?? null,
    disposition: e.disposition ?? null,
    readPoint: e.readPoint ?? null,
    bizLocation: e.bizLocation ?? null,
    visibility: e.visibility,
    eventJson: e.eventJson,
    epcs: sortedEpcs(e.epcs),
  };
}
