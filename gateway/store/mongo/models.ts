import mongoose, { type Connection, Schema } from "mongoose";

/*
 * The MongoDB store's collections as mongoose schemas: the fields, their types and the indexes, in one
 * place. The store reads and writes through each model's driver collection (`Model.collection`) with
 * explicit sessions and projections: mongoose's document layer (casting, change tracking, __v) would
 * only cost time on the ingest path and hide what is sent. `autoIndex` is off: MongoStore.open builds the
 * indexes once, and refuses to start when a unique one cannot be built (duplicates already stored).
 *
 * Identifiers that the protocol defines as bytes (message ids, Merkle roots, public keys, token digests)
 * are BSON binary, as in the SQLite file; addresses are lowercase `0x…` text, as everywhere else.
 */

const options = { versionKey: false, autoIndex: false, autoCreate: false, strict: "throw" } as const;

/**
 * Readings and events side by side, so batches and proofs treat both alike (as SQLite's `messages`).
 * `_id` is the 32-byte message id (a duplicate is a duplicate key); `n` the arrival number, dense, given
 * in commit order (see insertMessages.ts); a batch is a run of `n`.
 */
const messageSchema = new Schema(
  {
    _id: Buffer,
    n: { type: Number, required: true },
    kind: { type: String, enum: ["reading", "event"], required: true },
    /** The kid: a device address, or an event's signer. */
    device: { type: String, required: true },
    /** Readings only. */
    seq: Number,
    raw: { type: Buffer, required: true },
    /** A reading's ts; an event's eventTime (ms). */
    deviceTs: { type: Number, required: true },
    receivedAt: { type: Number, required: true },
    /** A reading's payload JSON; absent for an event (see events.eventJson). */
    payload: String,
    /** A reading's `prev` (hex) and `m.temp_c`, taken from the payload at insert for provenance. */
    prev: String,
    tempC: Number,
  },
  options,
);
messageSchema.index({ n: 1 }, { unique: true, name: "arrival" });
// Equivocation: one message per (device, seq). Partial: events have no seq, and a unique index would
// otherwise take every event's missing seq for one null value.
messageSchema.index(
  { device: 1, seq: 1 },
  { unique: true, name: "device_seq", partialFilterExpression: { kind: "reading" } },
);
// Listings by receive time (GET /readings?receivedFrom=…); ties by arrival.
messageSchema.index({ receivedAt: 1, n: 1 }, { name: "received_arrival" });
// Provenance: a device's readings in time order, with every field readingsAround filters on, sorts by and
// returns, so MongoDB answers it from the index alone (a covered query: the documents, scattered among
// every other device's, are never read). `kind` leads rather than a partial filter: a predicate on a
// field outside the keys would make MongoDB fetch each document to check it.
messageSchema.index(
  { kind: 1, device: 1, deviceTs: 1, seq: 1, _id: 1, n: 1, prev: 1, tempC: 1 },
  { name: "device_readings" },
);

/** A batch is the run of messages with firstN <= n <= lastN; `_id` is its number (1, 2, …). */
const batchSchema = new Schema(
  {
    _id: Number,
    root: { type: Buffer, required: true },
    firstN: { type: Number, required: true },
    lastN: { type: Number, required: true },
    size: { type: Number, required: true },
    sealedAt: { type: Number, required: true },
  },
  options,
);
batchSchema.index({ lastN: 1 }, { unique: true, name: "last_arrival" });
batchSchema.index({ root: 1 }, { unique: true, name: "root" });

/** One anchor record per (batch, chain, contract); `root` is copied from the batch (it never changes). */
const anchorSchema = new Schema(
  {
    batchId: { type: Number, required: true },
    chainId: { type: Number, required: true },
    contract: { type: String, required: true },
    /** `contract` in lowercase: the summary status compares contracts case-insensitively. */
    contractKey: { type: String, required: true },
    root: { type: Buffer, required: true },
    status: { type: String, required: true },
    txHash: String,
    nonce: Number,
    rawTx: String,
    maxFeePerGas: String,
    maxPriorityFeePerGas: String,
    submittedAt: Number,
    attempts: { type: Number, required: true },
    blockNumber: Number,
    blockTimestamp: Number,
    gasUsed: String,
    feeWei: String,
    updatedAt: { type: Number, required: true },
  },
  options,
);
anchorSchema.index({ batchId: 1, chainId: 1, contract: 1 }, { unique: true, name: "batch_target" });
anchorSchema.index({ chainId: 1, contract: 1, status: 1, batchId: 1 }, { name: "target_status" });

const deviceSchema = new Schema(
  {
    _id: String,
    publicKey: { type: Buffer, required: true },
    label: { type: String, required: true },
    registeredAt: { type: Number, required: true },
    revokedAt: Number,
    flaggedAt: Number,
    rotatedFrom: String,
    rotatedTo: String,
    /** GS1 GIAI (bare key); absent until assigned. */
    giai: String,
  },
  options,
);
// One device per GIAI; partial, so the devices without one do not collide on a missing value.
deviceSchema.index(
  { giai: 1 },
  { unique: true, name: "giai", partialFilterExpression: { giai: { $type: "string" } } },
);

/** Anchoring leases (see anchorLeases.ts): `_id` is `chainId:contract`. */
const anchorLeaseSchema = new Schema(
  { _id: String, holder: { type: String, required: true }, expiresAt: { type: Number, required: true } },
  options,
);

const metaSchema = new Schema({ _id: String, value: { type: String, required: true } }, options);

/** Named sequences: `messages` (arrival numbers) and `batches` (batch numbers). */
const counterSchema = new Schema({ _id: String, value: { type: Number, required: true } }, options);

const organisationSchema = new Schema(
  { _id: String, name: { type: String, required: true }, createdAt: { type: Number, required: true } },
  options,
);

/** A location belongs to one organisation: `_id` is the GLN. */
const glnSchema = new Schema({ _id: String, organisation: { type: String, required: true } }, options);
glnSchema.index({ organisation: 1, _id: 1 }, { name: "organisation" });

const organisationKeySchema = new Schema(
  {
    _id: String,
    organisation: { type: String, required: true },
    publicKey: { type: Buffer, required: true },
    registeredAt: { type: Number, required: true },
    revokedAt: Number,
    rotatedFrom: String,
    rotatedTo: String,
  },
  options,
);
organisationKeySchema.index({ organisation: 1, registeredAt: 1, _id: 1 }, { name: "organisation" });

/** Only the SHA-256 of a token is kept: a copied database hands out no API access. */
const credentialSchema = new Schema(
  {
    _id: String,
    organisation: { type: String, required: true },
    tokenSha256: { type: Buffer, required: true },
    label: { type: String, required: true },
    createdAt: { type: Number, required: true },
    revokedAt: Number,
  },
  options,
);
credentialSchema.index({ tokenSha256: 1 }, { unique: true, name: "token" });

/**
 * One document per stored event; `_id` is its message's arrival number. The identifiers it names, with
 * their roles, and its sensor reports are arrays inside it, indexed (multikey) for EPCIS queries and
 * provenance, where SQLite has side tables.
 */
const eventSchema = new Schema(
  {
    _id: Number,
    messageId: { type: Buffer, required: true },
    eventHash: { type: String, required: true },
    eventId: { type: String, required: true },
    organisation: { type: String, required: true },
    signedBy: { type: String, enum: ["organisation", "attester"], required: true },
    type: { type: String, required: true },
    eventTime: { type: Number, required: true },
    recordTime: { type: Number, required: true },
    action: String,
    bizStep: String,
    disposition: String,
    readPoint: String,
    bizLocation: String,
    visibility: { type: String, enum: ["public", "private"], required: true },
    eventJson: { type: String, required: true },
    epcs: [{ _id: false, epc: String, role: String }],
    /** Each sensor report as queries compare it: type, canonical device id, uom, value (and kelvin). */
    sensorReports: [
      { _id: false, type: String, deviceId: String, uom: String, value: Number, kelvin: Number },
    ],
  },
  options,
);
eventSchema.index({ eventHash: 1 }, { unique: true, name: "event_hash" });
eventSchema.index({ messageId: 1 }, { unique: true, name: "message_id" });
eventSchema.index({ eventId: 1, _id: 1 }, { name: "event_id" });
eventSchema.index({ eventTime: 1, _id: 1 }, { name: "event_time" });
eventSchema.index({ recordTime: 1, organisation: 1, _id: 1 }, { name: "record_time" });
eventSchema.index({ organisation: 1, eventTime: 1 }, { name: "organisation_time" });
eventSchema.index({ bizLocation: 1, eventTime: 1 }, { name: "biz_location" });
eventSchema.index({ readPoint: 1, eventTime: 1 }, { name: "read_point" });
// "The events of this product": one index range per identifier (provenance, MATCH_ parameters).
eventSchema.index({ "epcs.epc": 1, "epcs.role": 1 }, { name: "epcs" });

const captureJobSchema = new Schema(
  {
    _id: String,
    organisation: String,
    state: { type: String, enum: ["running", "success", "failed"], required: true },
    createdAt: { type: Number, required: true },
    finishedAt: Number,
    /** JSON text: a job's result may hold keys MongoDB will not store as field names (`$…`, dots). */
    result: { type: String, required: true },
  },
  options,
);
captureJobSchema.index({ state: 1, createdAt: 1 }, { name: "state_created" });

const profileSchema = new Schema(
  {
    _id: String,
    name: { type: String, required: true },
    minC: { type: Number, required: true },
    maxC: { type: Number, required: true },
    maxSingleExcursionMs: { type: Number, required: true },
    maxCumulativeExcursionMs: { type: Number, required: true },
    updatedAt: { type: Number, required: true },
  },
  options,
);

/**
 * Key lifecycle operations waiting for SealtrailDeviceRegistry (registryOutbox.ts), as SQLite's
 * `registry_outbox`: `_id` is the outbox order, from the `registry_outbox` counter.
 */
const registryOperationSchema = new Schema(
  {
    _id: Number,
    keyKind: { type: String, enum: ["device", "organisation", "attester"], required: true },
    operation: { type: String, enum: ["register", "revoke", "rotate"], required: true },
    address: { type: String, required: true },
    newAddress: String,
    publicKey: Buffer,
    requestedAt: { type: Number, required: true },
    state: { type: String, enum: ["pending", "sent", "done", "failed"], required: true },
    attempts: { type: Number, required: true },
    nextAttemptAt: { type: Number, required: true },
    lastError: String,
    chainId: Number,
    contract: String,
    txHash: String,
    blockNumber: Number,
    blockTimestamp: Number,
    updatedAt: { type: Number, required: true },
  },
  options,
);
// The registrar's "next open operation" and /status's counts read this; done operations are most of them.
registryOperationSchema.index({ state: 1, _id: 1 }, { name: "state_id" });
registryOperationSchema.index({ address: 1 }, { name: "address" });
registryOperationSchema.index({ newAddress: 1 }, { name: "new_address" });

/** The models of one connection, by collection. */
export function createModels(conn: Connection) {
  return {
    messages: conn.model("Message", messageSchema, "messages"),
    batches: conn.model("Batch", batchSchema, "batches"),
    anchors: conn.model("Anchor", anchorSchema, "anchors"),
    anchorLeases: conn.model("AnchorLease", anchorLeaseSchema, "anchor_leases"),
    devices: conn.model("Device", deviceSchema, "devices"),
    meta: conn.model("Meta", metaSchema, "meta"),
    counters: conn.model("Counter", counterSchema, "counters"),
    organisations: conn.model("Organisation", organisationSchema, "organisations"),
    glns: conn.model("OrganisationGln", glnSchema, "organisation_glns"),
    organisationKeys: conn.model("OrganisationKey", organisationKeySchema, "organisation_keys"),
    credentials: conn.model("Credential", credentialSchema, "organisation_credentials"),
    events: conn.model("Event", eventSchema, "events"),
    captureJobs: conn.model("CaptureJob", captureJobSchema, "capture_jobs"),
    profiles: conn.model("TemperatureProfile", profileSchema, "temperature_profiles"),
    registryOutbox: conn.model("RegistryOperation", registryOperationSchema, "registry_outbox"),
  };
}

export type Models = ReturnType<typeof createModels>;

/** Every collection of the store, by name. */
export const COLLECTION_NAMES = [
  "messages",
  "batches",
  "anchors",
  "anchor_leases",
  "devices",
  "meta",
  "counters",
  "organisations",
  "organisation_glns",
  "organisation_keys",
  "organisation_credentials",
  "events",
  "capture_jobs",
  "temperature_profiles",
  "registry_outbox",
] as const;

/** The driver's BSON binary type, through mongoose (the driver is not a direct dependency). */
export const { Binary } = mongoose.mongo;
