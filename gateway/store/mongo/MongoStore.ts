import mongoose, { type Connection } from "mongoose";
import { type Address, type Hex, SealtrailError } from "#protocol";
import type {
  AddKeyOutcome,
  CaptureJobRecord,
  CaptureJobState,
  CreateOrganisationOutcome,
  CredentialRecord,
  DeviceReadingColumns,
  DeviceReadingWindow,
  EventQuery,
  EventRecord,
  EventStore,
  InsertEventOutcome,
  OrganisationKeyRecord,
  OrganisationRecord,
  ProvenanceEventRecord,
  RevokeKeyOutcome,
  RotateKeyOutcome,
  StoredEvent,
  TemperatureProfileRecord,
} from "../eventTypes.ts";
import { windowAsColumns } from "../readingWindowColumns.ts";
import type {
  RegistryOperation,
  RegistryOperationUpdate,
  RegistryOutbox,
  RegistryOutboxSummary,
} from "../registryOutboxTypes.ts";
import { StoreErrorCode } from "../storeErrors.ts";
import type {
  AnchorRecord,
  AnchorTarget,
  AnchorUpdate,
  AssignGiaiOutcome,
  BatchRecord,
  DeviceRecord,
  InsertOutcome,
  ListedMessage,
  MessageOrder,
  MessageQuery,
  MessageRecord,
  RotateOutcome,
  Store,
  StoredMessage,
} from "../types.ts";
import { claimAnchoring } from "./anchorLeases.ts";
import * as anchors from "./anchors.ts";
import * as batches from "./batches.ts";
import * as jobs from "./captureJobs.ts";
import * as devices from "./devices.ts";
import {
  type ClientSession,
  type Collections,
  collectionsOf,
  idBuffer,
  messageFromDoc,
} from "./documents.ts";
import { insertEvents, insertEventsOrRollBack } from "./insertEvents.ts";
import { insertMessages } from "./insertMessages.ts";
import { listMessages } from "./listMessages.ts";
import { createModels, type Models } from "./models.ts";
import * as orgs from "./organisations.ts";
import { eventsNaming, readingsAround } from "./provenance.ts";
import { eventsRecordedAt, findEvent, queryEvents } from "./queryEvents.ts";
import * as outbox from "./registryOutbox.ts";
import { getTemperatureProfile, putTemperatureProfile } from "./temperatureProfiles.ts";
import { DURABLE_WRITE, inTransaction, TransactionLane } from "./transactions.ts";

export type MongoStoreOptions = {
  /** Longest a message waits for its group commit when no commit is under way, ms. */
  groupCommitMs?: number;
  /** A group commits at once when it reaches this many messages. */
  groupCommitMaxSize?: number;
  /** How long open() looks for a primary before it gives up, ms. */
  serverSelectionTimeoutMs?: number;
  /** The database, when not the one the URL names (tests give each store its own). */
  dbName?: string;
  /** Emit the driver's command events on {@link MongoStore.client} (tests check what is sent). */
  monitorCommands?: boolean;
};

type Pending = { message: MessageRecord; resolve: (o: InsertOutcome) => void; reject: (e: unknown) => void };

/**
 * The production store: a MongoDB replica set through mongoose, the same contract as SqliteStore
 * (storeContract.ts runs one suite against both). Every write resolves only once a majority of the replica
 * set has it journaled (`w: "majority", j: true`, set on the connection and on every transaction), so an
 * acknowledged reading survives the loss of the primary. Where SQLite writes in one transaction, so does
 * this store, and that needs a replica set: open() refuses a standalone server.
 *
 * Every key change queues its registry operation (registryOutbox.ts) in its own transaction, as SQLite does.
 *
 * Concurrent inserts are group-committed as in SQLite: they wait up to `groupCommitMs` and go as one
 * transaction (one majority round trip), each promise resolving after that commit.
 */
export class MongoStore implements Store, EventStore, RegistryOutbox {
  private readonly conn: Connection;
  private readonly c: Collections;
  private readonly lane = new TransactionLane();
  private readonly groupCommitMs: number;
  private readonly groupCommitMaxSize: number;
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The group commit under way; the next group waits for it. */
  private writing: Promise<void> | undefined;
  private closed = false;

  private constructor(conn: Connection, models: Models, options: MongoStoreOptions) {
    this.conn = conn;
    this.c = collectionsOf(models);
    this.groupCommitMs = options.groupCommitMs ?? 2;
    this.groupCommitMaxSize = options.groupCommitMaxSize ?? 2048;
  }

  /**
   * Connects to `url` (its database is the store's), checks that the server is a replica-set member,
   * creates the collections and indexes that are missing, and returns the store.
   */
  static async open(url: string, options: MongoStoreOptions = {}): Promise<MongoStore> {
    const conn = mongoose.createConnection(url, {
      writeConcern: DURABLE_WRITE,
      // Reads see only what a majority has: what a failover can roll back (a write not yet acknowledged)
      // is never sealed into a batch nor shown by the API.
      readConcern: { level: "majority" },
      readPreference: "primary",
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 10_000,
      autoIndex: false,
      autoCreate: false,
      ...(options.dbName === undefined ? {} : { dbName: options.dbName }),
      ...(options.monitorCommands === undefined ? {} : { monitorCommands: options.monitorCommands }),
    });
    try {
      await conn.asPromise();
    } catch (error) {
      await conn.close().catch(() => undefined);
      throw new SealtrailError(StoreErrorCode.Unreachable, "cannot connect to the MongoDB store", {
        cause: error,
      });
    }
    try {
      const hello = (await conn.db!.admin().command({ hello: 1 })) as { setName?: string };
      if (typeof hello.setName !== "string")
        throw new SealtrailError(
          StoreErrorCode.NeedsReplicaSet,
          "the MongoDB server is a standalone; the store writes in transactions, which need a replica set",
        );
      const models = createModels(conn);
      for (const model of Object.values(models)) {
        // Before MongoDB 4.4 a transaction cannot create a collection: each one exists first. (A server
        // without the `create` command, such as the test substitute, creates them on first write.)
        await model.createCollection().catch((error: { codeName?: string }) => {
          if (error.codeName !== "NamespaceExists" && error.codeName !== "CommandNotFound") throw error;
        });
        await model.createIndexes();
      }
      return new MongoStore(conn, models, options);
    } catch (error) {
      await conn.close().catch(() => undefined);
      throw error;
    }
  }

  /** One transaction through this store's lane (see TransactionLane). */
  private transaction<T>(work: (session: ClientSession) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new SealtrailError(StoreErrorCode.Closed, "store is closed"));
    return this.lane.run(() => inTransaction(this.conn.getClient(), work));
  }

  // Devices

  async registerDevice(d: {
    address: Address;
    publicKey: Uint8Array;
    label: string;
    registeredAt: number;
  }): Promise<DeviceRecord> {
    return this.transaction((s) => devices.registerDevice(this.c, s, d));
  }

  async getDevice(address: Address): Promise<DeviceRecord | undefined> {
    return devices.getDevice(this.c, address);
  }

  async listDevices(): Promise<DeviceRecord[]> {
    return devices.listDevices(this.c);
  }

  async revokeDevice(address: Address, at: number): Promise<DeviceRecord | undefined> {
    return this.transaction((s) => devices.revokeDevice(this.c, s, address, at));
  }

  async rotateDevice(rotation: {
    from: Address;
    to: { address: Address; publicKey: Uint8Array; label: string };
    at: number;
  }): Promise<RotateOutcome> {
    return this.transaction((s) => devices.rotateDevice(this.c, s, rotation));
  }

  async flagDevice(address: Address, at: number): Promise<void> {
    await devices.flagDevice(this.c, address, at);
  }

  async assignDeviceGiai(address: Address, giai: string): Promise<AssignGiaiOutcome> {
    return this.transaction((s) => devices.assignDeviceGiai(this.c, s, address, giai));
  }

  async findDeviceByGiai(giai: string): Promise<DeviceRecord | undefined> {
    return devices.findDeviceByGiai(this.c, giai);
  }

  // Registry outbox

  async nextRegistryOperation(): Promise<RegistryOperation | undefined> {
    return outbox.nextRegistryOperation(this.c);
  }

  async updateRegistryOperation(id: number, update: RegistryOperationUpdate): Promise<RegistryOperation> {
    return outbox.updateRegistryOperation(this.c, id, update);
  }

  async registryOperationsOf(address: Address): Promise<RegistryOperation[]> {
    return outbox.registryOperationsOf(this.c, address);
  }

  async registryOutboxSummary(): Promise<RegistryOutboxSummary> {
    return outbox.registryOutboxSummary(this.c);
  }

  async retargetRegistryOutbox(target: { chainId: number; contract: Address }): Promise<number> {
    return outbox.retargetRegistryOutbox(this.c, target, Date.now());
  }

  async enqueueAttesterKey(key: { address: Address; publicKey: Uint8Array }, at: number): Promise<boolean> {
    return this.transaction((s) => outbox.enqueueAttesterKey(this.c, s, key, at));
  }

  // Messages

  insertMessage(message: MessageRecord): Promise<InsertOutcome> {
    if (this.closed) return Promise.reject(new SealtrailError(StoreErrorCode.Closed, "store is closed"));
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      // While a commit is under way the queue fills up and goes as the next group when it ends.
      if (this.writing) return;
      if (this.queue.length >= this.groupCommitMaxSize) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.groupCommitMs);
    });
  }

  /** Commits the queued inserts (at most one group's worth) in one transaction, then settles them. */
  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.writing || this.queue.length === 0) return;
    const group = this.queue.splice(0, this.groupCommitMaxSize);
    this.writing = this.lane
      .run(() =>
        inTransaction(this.conn.getClient(), (s) =>
          insertMessages(
            this.c,
            s,
            group.map((p) => p.message),
          ),
        ),
      )
      .then(
        (outcomes) => {
          for (let i = 0; i < group.length; i++) group[i]!.resolve(outcomes[i]!);
        },
        (error: unknown) => {
          for (const p of group) p.reject(error);
        },
      )
      .finally(() => {
        this.writing = undefined;
        this.flush();
      });
  }

  async getMessage(messageId: Hex): Promise<StoredMessage | undefined> {
    const doc = await this.c.messages.findOne({ _id: idBuffer(messageId), kind: "reading" });
    if (!doc) return undefined;
    const batchOf = await batches.batchFinder(this.c, [doc.n]);
    return messageFromDoc(doc, batchOf(doc.n));
  }

  async listDeviceMessages(
    device: Address,
    options: { fromTs?: number; toTs?: number; limit?: number } = {},
  ): Promise<StoredMessage[]> {
    const docs = await this.c.messages
      .find(
        {
          device,
          kind: "reading",
          deviceTs: { $gte: options.fromTs ?? 0, $lte: options.toTs ?? Number.MAX_SAFE_INTEGER },
        },
        { sort: { device: 1, seq: 1 }, limit: options.limit ?? 10_000 },
      )
      .toArray();
    const batchOf = await batches.batchFinder(
      this.c,
      docs.map((d) => d.n),
    );
    return docs.map((d) => messageFromDoc(d, batchOf(d.n)));
  }

  async listMessages(query: MessageQuery): Promise<{ order: MessageOrder; messages: ListedMessage[] }> {
    return listMessages(this.c, query);
  }

  async countMessages(): Promise<number> {
    return this.c.messages.countDocuments({});
  }

  // Batches

  async unbatchedSummary(
    maxSize: number,
  ): Promise<{ count: number; lastN: number; oldestReceivedAt: number | null }> {
    return batches.unbatchedSummary(this.c, maxSize);
  }

  async readUnbatchedIds(
    afterN: number,
    upToN: number,
    limit: number,
  ): Promise<{ ids: Uint8Array; count: number; lastN: number }> {
    return batches.readUnbatchedIds(this.c, afterN, upToN, limit);
  }

  async lastBatchedN(): Promise<number> {
    return batches.lastBatchedN(this.c);
  }

  async sealBatch(batch: { root: Hex; sealedAt: number; lastN: number; size: number }): Promise<BatchRecord> {
    return this.transaction((s) => batches.sealBatch(this.c, s, batch));
  }

  async getBatch(id: number): Promise<BatchRecord | undefined> {
    return batches.getBatch(this.c, id);
  }

  async batchMessageIds(batchId: number): Promise<Hex[]> {
    return batches.batchMessageIds(this.c, batchId);
  }

  async listBatches(options: { afterId?: number; limit?: number } = {}): Promise<BatchRecord[]> {
    return batches.listBatches(this.c, options);
  }

  // Anchors

  async batchesToAnchor(target: AnchorTarget, limit: number): Promise<BatchRecord[]> {
    return anchors.batchesToAnchor(this.c, target, limit);
  }

  async getAnchors(batchId: number): Promise<AnchorRecord[]> {
    return anchors.getAnchors(this.c, batchId);
  }

  async listAnchors(target: AnchorTarget, statuses: AnchorRecord["status"][]): Promise<AnchorRecord[]> {
    return anchors.listAnchors(this.c, target, statuses);
  }

  async putAnchor(target: AnchorTarget, batchId: number, update: AnchorUpdate): Promise<AnchorRecord> {
    return this.transaction((s) => anchors.putAnchor(this.c, s, target, batchId, update));
  }

  async resetAnchors(target: AnchorTarget): Promise<number> {
    return anchors.resetAnchors(this.c, target);
  }

  async claimAnchoring(target: AnchorTarget, holder: string, now: number, leaseMs: number): Promise<boolean> {
    return claimAnchoring(this.c, target, holder, now, leaseMs);
  }

  // Key/value

  async getMeta(key: string): Promise<string | undefined> {
    return (await this.c.meta.findOne({ _id: key }))?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.c.meta.updateOne({ _id: key }, { $set: { value } }, { upsert: true });
  }

  // Organisations and events

  async createOrganisation(org: {
    id: string;
    name: string;
    glns: string[];
    keys: { address: Address; publicKey: Uint8Array }[];
    createdAt: number;
  }): Promise<CreateOrganisationOutcome> {
    return this.transaction((s) => orgs.createOrganisation(this.c, s, org));
  }

  async getOrganisation(id: string): Promise<OrganisationRecord | undefined> {
    return orgs.readOrganisation(this.c, id);
  }

  async listOrganisations(): Promise<OrganisationRecord[]> {
    return orgs.listOrganisations(this.c);
  }

  async getOrganisationKey(address: Address): Promise<OrganisationKeyRecord | undefined> {
    return orgs.getOrganisationKey(this.c, address);
  }

  async addOrganisationKey(
    organisation: string,
    key: { address: Address; publicKey: Uint8Array },
    at: number,
  ): Promise<AddKeyOutcome> {
    return this.transaction((s) => orgs.addOrganisationKey(this.c, s, organisation, key, at));
  }

  async revokeOrganisationKey(organisation: string, address: Address, at: number): Promise<RevokeKeyOutcome> {
    return this.transaction((s) => orgs.revokeOrganisationKey(this.c, s, organisation, address, at));
  }

  async rotateOrganisationKey(rotation: {
    organisation: string;
    from: Address;
    to: { address: Address; publicKey: Uint8Array };
    at: number;
  }): Promise<RotateKeyOutcome> {
    return this.transaction((s) => orgs.rotateOrganisationKey(this.c, s, rotation));
  }

  async createCredential(
    credential: CredentialRecord & { tokenSha256: Uint8Array },
  ): Promise<CredentialRecord> {
    return orgs.createCredential(this.c, credential);
  }

  async findCredential(tokenSha256: Uint8Array): Promise<CredentialRecord | undefined> {
    return orgs.findCredential(this.c, tokenSha256);
  }

  async insertEvents(
    records: EventRecord[],
    options: { allOrNothing: boolean },
  ): Promise<InsertEventOutcome[]> {
    return insertEventsOrRollBack(() => this.transaction((s) => insertEvents(this.c, s, records, options)));
  }

  async findEvent(
    key: { messageId: Hex } | { eventId: string } | { eventHash: string },
  ): Promise<StoredEvent | undefined> {
    return findEvent(this.c, key);
  }

  async queryEvents(query: EventQuery): Promise<{ events: StoredEvent[]; more: boolean }> {
    if (this.closed) throw new SealtrailError(StoreErrorCode.Closed, "store is closed");
    return queryEvents(this.c, query);
  }

  async createCaptureJob(job: CaptureJobRecord): Promise<void> {
    await jobs.createCaptureJob(this.c, job);
  }

  async finishCaptureJob(
    id: string,
    update: {
      state: Exclude<CaptureJobState, "running">;
      finishedAt: number;
      result: Record<string, unknown>;
    },
  ): Promise<void> {
    await jobs.finishCaptureJob(this.c, id, update);
  }

  async getCaptureJob(id: string): Promise<CaptureJobRecord | undefined> {
    return jobs.getCaptureJob(this.c, id);
  }

  async listRunningCaptureJobs(): Promise<CaptureJobRecord[]> {
    return jobs.listRunningCaptureJobs(this.c);
  }

  async eventsRecordedAt(
    organisation: string,
    recordTime: number,
  ): Promise<{ eventId: string; messageId: Hex }[]> {
    return eventsRecordedAt(this.c, organisation, recordTime);
  }

  // Provenance

  async eventsNaming(epcs: readonly string[]): Promise<ProvenanceEventRecord[]> {
    return eventsNaming(this.c, epcs);
  }

  async readingsAround(device: Address, from: number, to: number): Promise<DeviceReadingWindow> {
    return readingsAround(this.c, device, from, to);
  }

  /** Derived from the rows: SQLite's columnar read answers from its covering index; here one query serves both. */
  async readingColumnsAround(device: Address, from: number, to: number): Promise<DeviceReadingColumns> {
    return windowAsColumns(await readingsAround(this.c, device, from, to));
  }

  async anchorsOfBatches(
    batchIds: readonly number[],
  ): Promise<Map<number, { chainId: number; contract: Address; status: string }[]>> {
    return anchors.anchorsOfBatches(this.c, batchIds);
  }

  async getTemperatureProfile(gtin: string): Promise<TemperatureProfileRecord | undefined> {
    return getTemperatureProfile(this.c, gtin);
  }

  async putTemperatureProfile(
    profile: TemperatureProfileRecord,
  ): Promise<{ created: boolean; profile: TemperatureProfileRecord }> {
    return this.transaction((s) => putTemperatureProfile(this.c, s, profile));
  }

  /** The database's driver handle, for tests that look at indexes and query plans. */
  get db(): mongoose.mongo.Db {
    return this.conn.db!;
  }

  /** The driver's client, for tests that watch the commands sent (with `monitorCommands`). */
  get client(): mongoose.mongo.MongoClient {
    return this.conn.getClient();
  }

  /** Commits what is queued, waits for every transaction under way, then disconnects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    while (this.writing) await this.writing;
    await this.lane.drain();
    await this.conn.close();
  }
}
