import type { Address, EventSignerKind, Hex } from "#protocol";

/*
 * Organisations, their signing keys and API credentials, captured events and capture jobs: the store's
 * traceability half (schema 3), behind its own interface beside `Store`. SqliteStore implements both, so an
 * event and the readings it is batched with are written to one file.
 */

/** An organisation signing key, with the same lifecycle fields as a device key. */
export type OrganisationKeyRecord = {
  address: Address;
  organisation: string;
  /** 33-byte compressed secp256k1 key. */
  publicKey: Uint8Array;
  registeredAt: number;
  revokedAt: number | null;
  rotatedFrom: Address | null;
  rotatedTo: Address | null;
};

export type OrganisationRecord = {
  id: string;
  name: string;
  /** GLNs of its locations (13 digits, or `gln/extension` for a sub-location), sorted. */
  glns: string[];
  createdAt: number;
  keys: OrganisationKeyRecord[];
};

export type CreateOrganisationOutcome =
  | { status: "created"; organisation: OrganisationRecord }
  | { status: "id-taken" }
  /** A GLN already belongs to another organisation. */
  | { status: "gln-taken"; gln: string; organisation: string }
  /** A key is already registered (to any organisation). */
  | { status: "key-taken"; address: Address };

export type AddKeyOutcome =
  | { status: "added"; key: OrganisationKeyRecord }
  | { status: "unknown-organisation" }
  | { status: "key-taken"; key: OrganisationKeyRecord };

export type RevokeKeyOutcome =
  | { status: "revoked"; key: OrganisationKeyRecord }
  | { status: "already-revoked"; key: OrganisationKeyRecord }
  | { status: "unknown" };

export type RotateKeyOutcome =
  | { status: "rotated"; from: OrganisationKeyRecord; to: OrganisationKeyRecord }
  | { status: "unknown" }
  | { status: "key-taken"; key: OrganisationKeyRecord }
  | { status: "revoked"; key: OrganisationKeyRecord };

export type CredentialRecord = {
  id: string;
  organisation: string;
  label: string;
  createdAt: number;
  revokedAt: number | null;
};

/** Roles of an identifier in an event (EPCIS 2.0 §7.3). */
export type EpcRole = "epc" | "parent" | "child" | "input" | "output" | "class";

export type EventVisibility = "public" | "private";

/** A verified, checked event ready to be stored, with the message that carries it. */
export type EventRecord = {
  messageId: Hex;
  /** COSE_Sign1 bytes exactly as signed. */
  raw: Uint8Array;
  /** The kid: the organisation key's address, or the attester's. */
  signer: Address;
  signedBy: EventSignerKind;
  organisation: string;
  /** CBV 2.0 event hash ID. */
  eventHash: string;
  /** The event's eventID (its hash ID when it had none). */
  eventId: string;
  type: string;
  /** ms since epoch. */
  eventTime: number;
  /** ms since epoch, capture time here. */
  recordTime: number;
  action: string | null;
  bizStep: string | null;
  disposition: string | null;
  readPoint: string | null;
  bizLocation: string | null;
  visibility: EventVisibility;
  /** The event's JSON as signed (the object, serialised). */
  eventJson: string;
  /** Every identifier it names, canonical, with its role. */
  epcs: { epc: string; role: EpcRole }[];
};

export type StoredEvent = EventRecord & { arrival: number; batchId: number | null };

export type InsertEventOutcome =
  | { status: "inserted" }
  /** The same message is already stored. */
  | { status: "duplicate-message" }
  /** An event with the same event hash ID is already stored (under this message id). */
  | { status: "duplicate-event"; existingMessageId: Hex }
  /** Not stored: another event of an all-or-nothing group was a duplicate, so the group was rolled back. */
  | { status: "not-stored" };

export type CaptureJobState = "running" | "success" | "failed";

export type CaptureJobRecord = {
  id: string;
  organisation: string | null;
  state: CaptureJobState;
  createdAt: number;
  finishedAt: number | null;
  /** What the job found (errors per event, captured ids), JSON. */
  result: Record<string, unknown>;
};

/**
 * Who asks a query: the operator's admin token sees every event; an organisation sees the events it captured,
 * public ones, and the events about the objects (instance identifiers, any role but `class`) it captured
 * events for; anyone else sees public events only.
 */
export type EventViewer = { kind: "admin" } | { kind: "organisation"; id: string } | { kind: "anonymous" };

/** A half-open range `[ge, lt)` of ms since epoch; either end may be absent. */
export type TimeRange = { ge?: number; lt?: number };

/** A location condition: exact canonical ids, or `within` a GLN's canonical id (itself or any extension of it). */
export type LocationMatch = { exact: string[]; within: string[] };

/** Conditions on ONE sensor report of the event (every given one holds for the same report). */
export type SensorReportMatch = {
  /** Bare vocabulary words (`Temperature`), any of them. */
  types?: string[];
  /** Canonical device ids, any of them. */
  deviceIds?: string[];
  /** `value` in `uom` (after conversion where the units convert, see queryEvents.ts) within `[ge, lt)`. */
  values?: { uom: string; ge?: number; lt?: number }[];
};

/**
 * An EPCIS SimpleEventQuery as the store runs it: every condition given must hold (AND); the values inside
 * one condition are alternatives (OR). Identifiers and locations are canonical (GS1 Digital Link), CBV terms
 * bare words, as the store indexes them.
 */
export type EventQuery = {
  viewer: EventViewer;
  eventTypes?: string[];
  eventTime?: TimeRange;
  recordTime?: TimeRange;
  actions?: string[];
  bizSteps?: string[];
  dispositions?: string[];
  readPoint?: LocationMatch;
  bizLocation?: LocationMatch;
  /** Each entry one MATCH_ parameter: an identifier in one of `roles` equal to one of `epcs`. */
  epcs?: { roles: EpcRole[]; epcs: string[] }[];
  /** eventID or event hash ID, any of them. */
  eventIds?: string[];
  sensorReport?: SensorReportMatch;
  /** Resume after this event (order: event time, then arrival). */
  after?: { eventTime: number; arrival: number };
  limit: number;
};

/** An event as provenance reads it: the indexed fields, the JSON as signed, every identifier with its role. */
export type ProvenanceEventRecord = {
  arrival: number;
  messageId: Hex;
  eventHash: string;
  eventId: string;
  organisation: string;
  signedBy: EventSignerKind;
  type: string;
  eventTime: number;
  action: string | null;
  bizStep: string | null;
  visibility: EventVisibility;
  eventJson: string;
  epcs: { epc: string; role: EpcRole }[];
  batchId: number | null;
};

/** One stored (so verified) reading, as completeness and the cold-chain verdict read it. */
export type WindowReading = {
  seq: number;
  /** Device clock, ms. */
  ts: number;
  messageId: Hex;
  /** The previous message's id the reading carries. */
  prev: Hex;
  /** `m.temp_c`, or null when the reading has no temperature. */
  tempC: number | null;
  batchId: number | null;
};

/** A device's readings in a window plus its neighbours outside it (null when there is none). */
export type DeviceReadingWindow = {
  before: WindowReading | null;
  within: WindowReading[];
  after: WindowReading | null;
  /** More readings than one window returns lie in the window; `within` holds the first ones. */
  truncated: boolean;
};

/**
 * One device's readings as columns: reading i is index i of each array and characters 64·i to 64·i + 64 of
 * each hex string. Tens of thousands of readings read this way cost no JavaScript object, no Buffer and no
 * string per reading (issue 12: 43,200 of them in one provenance request).
 */
export type ReadingColumns = {
  count: number;
  seq: number[];
  /** Device clock, ms. */
  ts: number[];
  /** `m.temp_c`, or null when the reading has no temperature. */
  tempC: (number | null)[];
  batchId: (number | null)[];
  /** The message ids, lowercase hex without `0x`, 64 characters each, concatenated in row order. */
  idsHex: string;
  /**
   * The `prev` each reading carries, the same way; 64 `-` for one without a well-formed `prev` (it then
   * links to nothing, as a broken link should).
   */
  prevsHex: string;
};

/** A device's readings in a window as columns, plus its neighbours outside it (each 0 or 1 row). */
export type DeviceReadingColumns = {
  before: ReadingColumns;
  within: ReadingColumns;
  after: ReadingColumns;
  /** More readings than one window returns lie in the window; `within` holds the first ones. */
  truncated: boolean;
};

/** A cold-chain temperature profile as stored: per GTIN (14 digits), or `default`. */
export type TemperatureProfileRecord = {
  gtin: string;
  name: string;
  minC: number;
  maxC: number;
  maxSingleExcursionMs: number;
  maxCumulativeExcursionMs: number;
  updatedAt: number;
};

export interface EventStore {
  createOrganisation(org: {
    id: string;
    name: string;
    glns: string[];
    keys: { address: Address; publicKey: Uint8Array }[];
    createdAt: number;
  }): Promise<CreateOrganisationOutcome>;
  getOrganisation(id: string): Promise<OrganisationRecord | undefined>;
  listOrganisations(): Promise<OrganisationRecord[]>;
  getOrganisationKey(address: Address): Promise<OrganisationKeyRecord | undefined>;
  addOrganisationKey(
    organisation: string,
    key: { address: Address; publicKey: Uint8Array },
    at: number,
  ): Promise<AddKeyOutcome>;
  revokeOrganisationKey(organisation: string, address: Address, at: number): Promise<RevokeKeyOutcome>;
  rotateOrganisationKey(rotation: {
    organisation: string;
    from: Address;
    to: { address: Address; publicKey: Uint8Array };
    at: number;
  }): Promise<RotateKeyOutcome>;

  /** Stores a credential by the SHA-256 of its token (the token itself is never stored). */
  createCredential(credential: CredentialRecord & { tokenSha256: Uint8Array }): Promise<CredentialRecord>;
  /** The active credential whose token has this SHA-256. */
  findCredential(tokenSha256: Uint8Array): Promise<CredentialRecord | undefined>;

  /**
   * Durably stores events and their messages in ONE transaction, each after the last. `allOrNothing`: when
   * any is a duplicate, nothing is stored and the outcomes say which. Otherwise duplicates are skipped.
   */
  insertEvents(events: EventRecord[], options: { allOrNothing: boolean }): Promise<InsertEventOutcome[]>;
  /** An event by its message id, its eventID or its event hash ID. */
  findEvent(
    key: { messageId: Hex } | { eventId: string } | { eventHash: string },
  ): Promise<StoredEvent | undefined>;

  /**
   * The events matching a query that its viewer may see, in event-time order (ties by arrival), at most
   * `limit`, and whether more follow.
   */
  queryEvents(query: EventQuery): Promise<{ events: StoredEvent[]; more: boolean }>;

  createCaptureJob(job: CaptureJobRecord): Promise<void>;
  finishCaptureJob(
    id: string,
    update: {
      state: Exclude<CaptureJobState, "running">;
      finishedAt: number;
      result: Record<string, unknown>;
    },
  ): Promise<void>;
  getCaptureJob(id: string): Promise<CaptureJobRecord | undefined>;
  /** Jobs still `running`, oldest first (after a restart: the ones a crash interrupted). */
  listRunningCaptureJobs(): Promise<CaptureJobRecord[]>;
  /**
   * eventID and message id of the events stored for `organisation` with this record time, in arrival order:
   * what a capture job created at that instant stored (its events carry its creation time).
   */
  eventsRecordedAt(organisation: string, recordTime: number): Promise<{ eventId: string; messageId: Hex }[]>;

  // Provenance (schema 4)
  /** Every event naming one of these canonical identifiers (any role), oldest first. */
  eventsNaming(epcs: readonly string[]): Promise<ProvenanceEventRecord[]>;
  /** A device's readings with from <= ts <= to, plus the one before and the one after, by time. */
  readingsAround(device: Address, from: number, to: number): Promise<DeviceReadingWindow>;
  /** The same window as columns (readingColumnsAround): what a provenance request reads. */
  readingColumnsAround(device: Address, from: number, to: number): Promise<DeviceReadingColumns>;
  /** Anchor records (target and status) of these batches, by batch id. */
  anchorsOfBatches(
    batchIds: readonly number[],
  ): Promise<Map<number, { chainId: number; contract: Address; status: string }[]>>;
  getTemperatureProfile(gtin: string): Promise<TemperatureProfileRecord | undefined>;
  putTemperatureProfile(
    profile: TemperatureProfileRecord,
  ): Promise<{ created: boolean; profile: TemperatureProfileRecord }>;
}
