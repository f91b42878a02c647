import type Database from "better-sqlite3";
import { type Address, bytesToHex, type Hex, hexToBytes, invariant, SealtrailError } from "#protocol";
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
import type {
  RegistryOperation,
  RegistryOperationUpdate,
  RegistryOutbox,
  RegistryOutboxSummary,
} from "../registryOutboxTypes.ts";
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
import { assignDeviceGiai, findDeviceByGiai } from "./deviceGiai.ts";
import * as events from "./events/index.ts";
import { listMessages } from "./listMessages.ts";
import { MessageWriter } from "./MessageWriter.ts";
import { migrateSchema } from "./migrateSchema.ts";
import { type ConnectionSettings, openConnection, readConnectionSettings } from "./openConnection.ts";
import { InsertStatus, type MessageInsert, prepareMessageInsert } from "./prepareMessageInsert.ts";
import {
  enqueueAttesterKey,
  enqueueRegistryOperation,
  nextRegistryOperation,
  registryOperationsOf,
  registryOutboxSummary,
  retargetRegistryOutbox,
  updateRegistryOperation,
} from "./registryOutbox.ts";
import { rotateDevice } from "./rotateDevice.ts";
import {
  DEVICE_WITH_GIAI,
  type DeviceRow,
  deviceFromRow,
  MESSAGE_WITH_BATCH,
  type MessageRow,
  messageFromRow,
} from "./rows.ts";
import { MessageKind } from "./schema.ts";
import { sealBatchRow } from "./sealBatchRow.ts";
import { SIGNER_KEY_SQL } from "./signerKey.ts";
import { getTemperatureProfile, putTemperatureProfile } from "./temperatureProfiles.ts";

export type SqliteStoreOptions = {
  /**
   * How long a group gathers before it commits, ms from its first message (default 20): the fsync of a
   * commit costs the same for 1 reading as for 100, so at moderate load this window, not the disk, decides
   * how many readings share one. A group that waited longer already (behind a slow commit) goes at once.
   */
  groupCommitMs?: number;
  /** Most messages in one group commit (a longer queue goes in several). */
  groupCommitMaxSize?: number;
  /**
   * A group this large commits without waiting for the rest of its window (default 32): past a few dozen
   * readings the fsync is a small share of a commit, and under load the window would only add latency.
   */
  groupCommitEnough?: number;
  /**
   * Commit messages on a writer thread with its own connection (default true), so the fsync of each
   * group commit does not block the event loop. False commits on the calling thread.
   */
  writerThread?: boolean;
  /** The writer thread asks a WAL checkpoint of its checkpoint thread every this many rows (default 4,000). */
  checkpointEveryRows?: number;
};

/** Group commits done so far and the messages they held (their ratio is the group size achieved). */
export type GroupCommitStats = { commits: number; messages: number };

type Pending = { message: MessageRecord; resolve: (o: InsertOutcome) => void; reject: (e: unknown) => void };

type AnchorRow = {
  batch_id: number;
  chain_id: number;
  contract: string;
  status: AnchorRecord["status"];
  tx_hash: string | null;
  nonce: number | null;
  raw_tx: string | null;
  max_fee_per_gas: string | null;
  max_priority_fee_per_gas: string | null;
  submitted_at: number | null;
  attempts: number;
  block_number: number | null;
  block_timestamp: number | null;
  gas_used: string | null;
  fee_wei: string | null;
  updated_at: number;
  root: Buffer;
};

/**
 * 20 ms: at 1,000 readings/s ~21 share a commit (1.6 when a group went as soon as the previous commit ended),
 * 286 instead of 335 µs of gateway CPU per reading with 10 ms, for a PUBACK p99 of ~24 ms instead of ~14
 * (docs/benchmarks.md); under load `groupCommitEnough` commits sooner.
 */
export const DEFAULT_GROUP_COMMIT_MS = 20;

const toBuf = (hex: Hex) => Buffer.from(hexToBytes(hex));

function anchorFromRow(r: AnchorRow): AnchorRecord {
  return {
    batchId: r.batch_id,
    chainId: r.chain_id,
    contract: r.contract as Address,
    root: bytesToHex(r.root),
    status: r.status,
    txHash: r.tx_hash as Hex | null,
    nonce: r.nonce,
    rawTx: r.raw_tx as Hex | null,
    maxFeePerGas: r.max_fee_per_gas,
    maxPriorityFeePerGas: r.max_priority_fee_per_gas,
    submittedAt: r.submitted_at,
    attempts: r.attempts,
    blockNumber: r.block_number,
    blockTimestamp: r.block_timestamp,
    gasUsed: r.gas_used,
    feeWei: r.fee_wei,
    updatedAt: r.updated_at,
  };
}

/**
 * The embedded store: one SQLite file in WAL mode with synchronous=FULL, so a committed transaction
 * survives kill -9 and power loss. Concurrent inserts are group-committed: they wait up to
 * `groupCommitMs` and share one transaction (one fsync), and each promise resolves only after that commit.
 *
 * Two connections write to the file (this one and the writer thread's), so every transaction that writes
 * begins IMMEDIATE. A deferred one (plain BEGIN) that reads first holds a read snapshot when it tries to
 * write; if the other connection is committing, or has committed since, SQLite answers SQLITE_BUSY
 * ("database is locked") at once without calling the busy handler (waiting there could deadlock), so
 * busy_timeout never helps it. BEGIN IMMEDIATE takes the write lock before reading, waiting for it under
 * busy_timeout. writeContention.test.ts reproduces the failure.
 */
export class SqliteStore implements Store, EventStore, RegistryOutbox {
  private readonly db: Database.Database;
  private readonly groupCommitMs: number;
  private readonly groupCommitMaxSize: number;
  private readonly groupCommitEnough: number;
  private queue: Pending[] = [];
  /** When the oldest queued message arrived (Date.now()): the group's window runs from here. */
  private queuedSince = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly writer: MessageWriter | undefined;
  /** The group commit under way on the writer thread; the next group waits for it. */
  private writing: Promise<void> | undefined;
  private closed = false;
  /** Plain numbers on the hot path: the group size decides how many fsyncs a reading pays for. */
  private readonly commitStats: GroupCommitStats = { commits: 0, messages: 0 };
  private readonly stmt;
  private readonly messages: MessageInsert;

  private constructor(db: Database.Database, options: SqliteStoreOptions, path: string) {
    this.db = db;
    this.groupCommitMs = options.groupCommitMs ?? DEFAULT_GROUP_COMMIT_MS;
    this.groupCommitMaxSize = options.groupCommitMaxSize ?? 2048;
    this.groupCommitEnough = Math.min(options.groupCommitEnough ?? 32, this.groupCommitMaxSize);
    const fileBacked = path !== "" && path !== ":memory:" && !path.startsWith("file::memory:");
    this.writer =
      (options.writerThread ?? true) && fileBacked
        ? new MessageWriter(path, options.checkpointEveryRows ?? 4000)
        : undefined;
    // The writer thread checkpoints the WAL (after replying to a group); one here would stall the event loop.
    if (this.writer) this.db.pragma("wal_autocheckpoint = 0");
    this.messages = prepareMessageInsert(db);
    this.stmt = {
      getMessage: db.prepare(`${MESSAGE_WITH_BATCH} WHERE m.id = ? AND m.kind = ${MessageKind.Reading}`),
      getDevice: db.prepare(`${DEVICE_WITH_GIAI} WHERE d.address = ?`),
    };
  }

  /** Opens (creating if needed) the store at `path`. */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    return new SqliteStore(migrateSchema(openConnection(path)), options, path);
  }

  /**
   * The settings of each connection that writes messages, as SQLite reports them: this one and, when
   * messages are committed on the writer thread, that thread's own.
   */
  async connectionSettings(): Promise<{ store: ConnectionSettings; writer?: ConnectionSettings }> {
    const store = readConnectionSettings(this.db);
    return this.writer ? { store, writer: await this.writer.settings() } : { store };
  }

  async registerDevice(d: {
    address: Address;
    publicKey: Uint8Array;
    label: string;
    registeredAt: number;
  }): Promise<DeviceRecord> {
    this.db
      .transaction(() => {
        const inserted = this.db
          .prepare(
            "INSERT INTO devices (address, public_key, label, registered_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
          )
          .run(d.address, Buffer.from(d.publicKey), d.label, d.registeredAt);
        if (inserted.changes === 1)
          enqueueRegistryOperation(this.db, {
            keyKind: "device",
            operation: "register",
            address: d.address,
            publicKey: d.publicKey,
            at: d.registeredAt,
          });
      })
      .immediate();
    const row = this.stmt.getDevice.get(d.address) as DeviceRow;
    return deviceFromRow(row);
  }

  async getDevice(address: Address): Promise<DeviceRecord | undefined> {
    const row = this.stmt.getDevice.get(address) as DeviceRow | undefined;
    return row && deviceFromRow(row);
  }

  async listDevices(): Promise<DeviceRecord[]> {
    return (
      this.db.prepare(`${DEVICE_WITH_GIAI} ORDER BY d.registered_at, d.address`).all() as DeviceRow[]
    ).map(deviceFromRow);
  }

  async revokeDevice(address: Address, at: number): Promise<DeviceRecord | undefined> {
    this.db
      .transaction(() => {
        const revoked = this.db
          .prepare("UPDATE devices SET revoked_at = ? WHERE address = ? AND revoked_at IS NULL")
          .run(at, address);
        if (revoked.changes === 1)
          enqueueRegistryOperation(this.db, { keyKind: "device", operation: "revoke", address, at });
      })
      .immediate();
    return this.getDevice(address);
  }

  async rotateDevice(rotation: {
    from: Address;
    to: { address: Address; publicKey: Uint8Array; label: string };
    at: number;
  }): Promise<RotateOutcome> {
    return rotateDevice(this.db, rotation);
  }

  async nextRegistryOperation(): Promise<RegistryOperation | undefined> {
    return nextRegistryOperation(this.db);
  }

  async updateRegistryOperation(id: number, update: RegistryOperationUpdate): Promise<RegistryOperation> {
    return updateRegistryOperation(this.db, id, update);
  }

  async registryOperationsOf(address: Address): Promise<RegistryOperation[]> {
    return registryOperationsOf(this.db, address);
  }

  async registryOutboxSummary(): Promise<RegistryOutboxSummary> {
    return registryOutboxSummary(this.db);
  }

  async retargetRegistryOutbox(target: { chainId: number; contract: Address }): Promise<number> {
    return retargetRegistryOutbox(this.db, target, Date.now());
  }

  async enqueueAttesterKey(key: { address: Address; publicKey: Uint8Array }, at: number): Promise<boolean> {
    return enqueueAttesterKey(this.db, key, at);
  }

  async flagDevice(address: Address, at: number): Promise<void> {
    this.db
      .prepare("UPDATE devices SET flagged_at = ? WHERE address = ? AND flagged_at IS NULL")
      .run(at, address);
  }

  async assignDeviceGiai(address: Address, giai: string): Promise<AssignGiaiOutcome> {
    return assignDeviceGiai(this.db, address, giai);
  }

  async findDeviceByGiai(giai: string): Promise<DeviceRecord | undefined> {
    return findDeviceByGiai(this.db, giai);
  }

  insertMessage(message: MessageRecord): Promise<InsertOutcome> {
    if (this.closed) return Promise.reject(new SealtrailError("STORE_CLOSED", "store is closed"));
    return new Promise((resolve, reject) => {
      if (this.queue.length === 0) this.queuedSince = Date.now();
      this.queue.push({ message, resolve, reject });
      // While a commit is under way the queue fills up and goes as the next group when it ends.
      if (this.writing) return;
      this.scheduleFlush();
    });
  }

  /**
   * Commits the queue when it holds enough for a group or its window has passed, else sets a timer for
   * the rest of the window. Called when a message queues with no commit under way, and when a commit ends.
   */
  private scheduleFlush(): void {
    if (this.queue.length === 0) return;
    if (this.queue.length >= this.groupCommitEnough) {
      this.flush();
      return;
    }
    if (this.timer) return;
    const wait = this.queuedSince + this.groupCommitMs - Date.now();
    if (wait <= 0) this.flush();
    else this.timer = setTimeout(this.flushOnTimer, wait);
  }

  private readonly flushOnTimer = (): void => {
    this.timer = undefined;
    this.flush();
  };

  /** Commits every queued insert in one transaction, then settles their promises. */
  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.writer) {
      this.flushToWriter(this.writer);
      return;
    }
    const group = this.queue;
    this.queue = [];
    if (group.length === 0) return;
    let outcomes: InsertOutcome[];
    try {
      outcomes = this.db.transaction(() => group.map((p) => this.insertOne(p.message))).immediate();
    } catch (error) {
      for (const p of group) p.reject(error);
      return;
    }
    this.commitStats.commits++;
    this.commitStats.messages += group.length;
    for (const [i, p] of group.entries()) p.resolve(outcomes[i]!);
  }

  /** One group commit at a time on the writer thread; what queued meanwhile goes next, at once. */
  private flushToWriter(writer: MessageWriter): void {
    if (this.writing || this.queue.length === 0) return;
    const group =
      this.queue.length <= this.groupCommitMaxSize
        ? this.queue
        : this.queue.splice(0, this.groupCommitMaxSize);
    // What stays behind a full group keeps the oldest time: it has waited at least as long, and goes at once.
    if (group === this.queue) this.queue = [];
    this.writing = writer
      .write(group.map((p) => p.message))
      .then(
        (outcomes) => {
          this.commitStats.commits++;
          this.commitStats.messages += group.length;
          for (let i = 0; i < group.length; i++) group[i]!.resolve(outcomes[i]!);
        },
        (error: unknown) => {
          for (const p of group) p.reject(error);
        },
      )
      .finally(() => {
        this.writing = undefined;
        this.scheduleFlush();
      });
  }

  /** Message group commits that succeeded since the store opened, and how many messages they held. */
  groupCommitStats(): GroupCommitStats {
    return { ...this.commitStats };
  }

  private insertOne(m: MessageRecord): InsertOutcome {
    const status = this.messages.insert(
      toBuf(m.messageId),
      m.device,
      m.seq,
      Buffer.from(m.raw),
      m.deviceTs,
      m.receivedAt,
      m.payloadJson,
    );
    if (status === InsertStatus.Inserted) return { status: "inserted" };
    if (status === InsertStatus.Duplicate) return { status: "duplicate" };
    const existing = this.messages.existingId(m.device, m.seq);
    invariant(existing, "insert conflicted on neither id nor (device, seq)");
    return { status: "equivocation", existingId: bytesToHex(existing) };
  }

  async getMessage(messageId: Hex): Promise<StoredMessage | undefined> {
    const row = this.stmt.getMessage.get(toBuf(messageId)) as MessageRow | undefined;
    return row && messageFromRow(row);
  }

  async listDeviceMessages(
    device: Address,
    options: { fromTs?: number; toTs?: number; limit?: number } = {},
  ): Promise<StoredMessage[]> {
    const rows = this.db
      .prepare(
        `${MESSAGE_WITH_BATCH} WHERE m.signer = ${SIGNER_KEY_SQL("?")} AND m.kind = ${MessageKind.Reading} AND m.device_ts >= ? AND m.device_ts <= ? ORDER BY m.seq LIMIT ?`,
      )
      .all(
        device,
        options.fromTs ?? 0,
        options.toTs ?? Number.MAX_SAFE_INTEGER,
        options.limit ?? 10_000,
      ) as MessageRow[];
    return rows.map(messageFromRow);
  }

  async listMessages(query: MessageQuery): Promise<{ order: MessageOrder; messages: ListedMessage[] }> {
    return listMessages(this.db, query);
  }

  async countMessages(): Promise<number> {
    return this.db.prepare("SELECT count(*) FROM messages").pluck().get() as number;
  }

  async lastBatchedN(): Promise<number> {
    return this.db.prepare("SELECT coalesce(max(last_n), 0) FROM batches").pluck().get() as number;
  }

  async unbatchedSummary(
    maxSize: number,
  ): Promise<{ count: number; lastN: number; oldestReceivedAt: number | null }> {
    const after = await this.lastBatchedN();
    const first = this.db
      .prepare("SELECT n, received_at FROM messages WHERE n > ? ORDER BY n LIMIT 1")
      .get(after) as { n: number; received_at: number } | undefined;
    if (!first) return { count: 0, lastN: after, oldestReceivedAt: null };
    const maxN = this.db.prepare("SELECT max(n) FROM messages").pluck().get() as number;
    // n is dense in practice (rowids are never deleted), so this is exact without scanning; the OFFSET
    // lookup below only runs when a full batch is due.
    if (maxN - after <= maxSize) {
      const count = this.db.prepare("SELECT count(*) FROM messages WHERE n > ?").pluck().get(after) as number;
      if (count <= maxSize) return { count, lastN: maxN, oldestReceivedAt: first.received_at };
    }
    const lastN = this.db
      .prepare("SELECT n FROM messages WHERE n > ? ORDER BY n LIMIT 1 OFFSET ?")
      .pluck()
      .get(after, maxSize - 1) as number;
    return { count: maxSize, lastN, oldestReceivedAt: first.received_at };
  }

  async readUnbatchedIds(
    afterN: number,
    upToN: number,
    limit: number,
  ): Promise<{ ids: Uint8Array; count: number; lastN: number }> {
    const rows = this.db
      .prepare("SELECT n, id FROM messages WHERE n > ? AND n <= ? ORDER BY n LIMIT ?")
      .raw()
      .all(afterN, upToN, limit) as [number, Buffer][];
    const ids = new Uint8Array(rows.length * 32);
    for (let i = 0; i < rows.length; i++) ids.set(rows[i]![1], i * 32);
    return { ids, count: rows.length, lastN: rows.length ? rows[rows.length - 1]![0] : afterN };
  }

  async sealBatch(batch: { root: Hex; sealedAt: number; lastN: number; size: number }): Promise<BatchRecord> {
    const row = {
      root: hexToBytes(batch.root),
      sealedAt: batch.sealedAt,
      lastN: batch.lastN,
      size: batch.size,
    };
    // On the writer thread when there is one: the seal waits its turn between group commits.
    const outcome = this.writer ? await this.writer.seal(row) : sealBatchRow(this.db, row);
    if ("conflict" in outcome) {
      throw new SealtrailError("BATCH_CONFLICT", "batch does not match the unbatched messages", {
        details: outcome.conflict,
      });
    }
    return { id: outcome.id, root: batch.root, size: batch.size, sealedAt: batch.sealedAt };
  }

  async getBatch(id: number): Promise<BatchRecord | undefined> {
    const row = this.db.prepare("SELECT * FROM batches WHERE id = ?").get(id) as
      | { id: number; root: Buffer; size: number; sealed_at: number }
      | undefined;
    return row && { id: row.id, root: bytesToHex(row.root), size: row.size, sealedAt: row.sealed_at };
  }

  async batchMessageIds(batchId: number): Promise<Hex[]> {
    const rows = this.db
      .prepare(
        "SELECT m.id FROM batches b JOIN messages m ON m.n BETWEEN b.first_n AND b.last_n WHERE b.id = ? ORDER BY m.n",
      )
      .pluck()
      .all(batchId) as Buffer[];
    return rows.map((b) => bytesToHex(b));
  }

  async listBatches(options: { afterId?: number; limit?: number } = {}): Promise<BatchRecord[]> {
    const rows = this.db
      .prepare("SELECT * FROM batches WHERE id > ? ORDER BY id LIMIT ?")
      .all(options.afterId ?? 0, options.limit ?? 1000) as {
      id: number;
      root: Buffer;
      size: number;
      sealed_at: number;
    }[];
    return rows.map((r) => ({ id: r.id, root: bytesToHex(r.root), size: r.size, sealedAt: r.sealed_at }));
  }

  async batchesToAnchor(target: AnchorTarget, limit: number): Promise<BatchRecord[]> {
    const rows = this.db
      .prepare(
        `SELECT b.* FROM batches b WHERE NOT EXISTS (
           SELECT 1 FROM anchors a WHERE a.batch_id = b.id AND a.chain_id = ? AND a.contract = ?)
         ORDER BY b.id LIMIT ?`,
      )
      .all(target.chainId, target.contract, limit) as {
      id: number;
      root: Buffer;
      size: number;
      sealed_at: number;
    }[];
    return rows.map((r) => ({ id: r.id, root: bytesToHex(r.root), size: r.size, sealedAt: r.sealed_at }));
  }

  async getAnchors(batchId: number): Promise<AnchorRecord[]> {
    const rows = this.db
      .prepare(
        "SELECT a.*, b.root FROM anchors a JOIN batches b ON b.id = a.batch_id WHERE a.batch_id = ? ORDER BY chain_id, contract",
      )
      .all(batchId) as AnchorRow[];
    return rows.map(anchorFromRow);
  }

  async listAnchors(target: AnchorTarget, statuses: AnchorRecord["status"][]): Promise<AnchorRecord[]> {
    const rows = this.db
      .prepare(
        `SELECT a.*, b.root FROM anchors a JOIN batches b ON b.id = a.batch_id
         WHERE a.chain_id = ? AND a.contract = ? AND a.status IN (SELECT value FROM json_each(?)) ORDER BY a.batch_id`,
      )
      .all(target.chainId, target.contract, JSON.stringify(statuses)) as AnchorRow[];
    return rows.map(anchorFromRow);
  }

  async putAnchor(target: AnchorTarget, batchId: number, u: AnchorUpdate): Promise<AnchorRecord> {
    const select = this.db.prepare(
      "SELECT a.*, b.root FROM anchors a JOIN batches b ON b.id = a.batch_id WHERE a.batch_id = ? AND a.chain_id = ? AND a.contract = ?",
    );
    // IMMEDIATE: reads the record, then replaces it (see the class comment).
    return this.db
      .transaction(() => {
        const old = select.get(batchId, target.chainId, target.contract) as AnchorRow | undefined;
        const base = old ? anchorFromRow(old) : undefined;
        const r = { ...base, ...u, updatedAt: u.updatedAt ?? Date.now() };
        this.db
          .prepare(
            `INSERT OR REPLACE INTO anchors (batch_id, chain_id, contract, status, tx_hash, nonce, raw_tx, max_fee_per_gas,
             max_priority_fee_per_gas, submitted_at, attempts, block_number, block_timestamp, gas_used, fee_wei, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            batchId,
            target.chainId,
            target.contract,
            r.status,
            r.txHash ?? null,
            r.nonce ?? null,
            r.rawTx ?? null,
            r.maxFeePerGas ?? null,
            r.maxPriorityFeePerGas ?? null,
            r.submittedAt ?? null,
            r.attempts ?? 0,
            r.blockNumber ?? null,
            r.blockTimestamp ?? null,
            r.gasUsed ?? null,
            r.feeWei ?? null,
            r.updatedAt,
          );
        return anchorFromRow(select.get(batchId, target.chainId, target.contract) as AnchorRow);
      })
      .immediate();
  }

  async resetAnchors(target: AnchorTarget): Promise<number> {
    return this.db
      .prepare("DELETE FROM anchors WHERE chain_id = ? AND contract = ?")
      .run(target.chainId, target.contract).changes;
  }

  async claimAnchoring(target: AnchorTarget, holder: string, now: number, leaseMs: number): Promise<boolean> {
    return claimAnchoring(this.db, target, holder, now, leaseMs);
  }

  async getMeta(key: string): Promise<string | undefined> {
    return this.db.prepare("SELECT value FROM meta WHERE key = ?").pluck().get(key) as string | undefined;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.db
      .prepare(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      )
      .run(key, value);
  }

  // Organisations and events (schema 3): each operation in its own file under events/.

  async createOrganisation(org: {
    id: string;
    name: string;
    glns: string[];
    keys: { address: Address; publicKey: Uint8Array }[];
    createdAt: number;
  }): Promise<CreateOrganisationOutcome> {
    return events.createOrganisation(this.db, org);
  }

  async getOrganisation(id: string): Promise<OrganisationRecord | undefined> {
    return events.readOrganisation(this.db, id);
  }

  async listOrganisations(): Promise<OrganisationRecord[]> {
    return events.listOrganisations(this.db);
  }

  async getOrganisationKey(address: Address): Promise<OrganisationKeyRecord | undefined> {
    return events.getOrganisationKey(this.db, address);
  }

  async addOrganisationKey(
    organisation: string,
    key: { address: Address; publicKey: Uint8Array },
    at: number,
  ): Promise<AddKeyOutcome> {
    return events.addOrganisationKey(this.db, organisation, key, at);
  }

  async revokeOrganisationKey(organisation: string, address: Address, at: number): Promise<RevokeKeyOutcome> {
    return events.revokeOrganisationKey(this.db, organisation, address, at);
  }

  async rotateOrganisationKey(rotation: {
    organisation: string;
    from: Address;
    to: { address: Address; publicKey: Uint8Array };
    at: number;
  }): Promise<RotateKeyOutcome> {
    return events.rotateOrganisationKey(this.db, rotation);
  }

  async createCredential(
    credential: CredentialRecord & { tokenSha256: Uint8Array },
  ): Promise<CredentialRecord> {
    return events.createCredential(this.db, credential);
  }

  async findCredential(tokenSha256: Uint8Array): Promise<CredentialRecord | undefined> {
    return events.findCredential(this.db, tokenSha256);
  }

  async insertEvents(
    records: EventRecord[],
    options: { allOrNothing: boolean },
  ): Promise<InsertEventOutcome[]> {
    if (this.closed) throw new SealtrailError("STORE_CLOSED", "store is closed");
    return events.insertEvents(this.db, records, options);
  }

  async findEvent(
    key: { messageId: Hex } | { eventId: string } | { eventHash: string },
  ): Promise<StoredEvent | undefined> {
    return events.findEvent(this.db, key);
  }

  async queryEvents(query: EventQuery): Promise<{ events: StoredEvent[]; more: boolean }> {
    if (this.closed) throw new SealtrailError("STORE_CLOSED", "store is closed");
    return events.queryEvents(this.db, query);
  }

  async createCaptureJob(job: CaptureJobRecord): Promise<void> {
    events.createCaptureJob(this.db, job);
  }

  async finishCaptureJob(
    id: string,
    update: {
      state: Exclude<CaptureJobState, "running">;
      finishedAt: number;
      result: Record<string, unknown>;
    },
  ): Promise<void> {
    events.finishCaptureJob(this.db, id, update);
  }

  async getCaptureJob(id: string): Promise<CaptureJobRecord | undefined> {
    return events.getCaptureJob(this.db, id);
  }

  async listRunningCaptureJobs(): Promise<CaptureJobRecord[]> {
    return events.listRunningCaptureJobs(this.db);
  }

  async eventsRecordedAt(
    organisation: string,
    recordTime: number,
  ): Promise<{ eventId: string; messageId: Hex }[]> {
    return events.eventsRecordedAt(this.db, organisation, recordTime) as {
      eventId: string;
      messageId: Hex;
    }[];
  }

  // Provenance (schema 4): events/provenanceQueries.ts and temperatureProfiles.ts.

  async eventsNaming(epcs: readonly string[]): Promise<ProvenanceEventRecord[]> {
    return events.eventsNaming(this.db, epcs);
  }

  async readingsAround(device: Address, from: number, to: number): Promise<DeviceReadingWindow> {
    return events.readingsAround(this.db, device, from, to);
  }

  async readingColumnsAround(device: Address, from: number, to: number): Promise<DeviceReadingColumns> {
    return events.readingColumnsAround(this.db, device, from, to);
  }

  async anchorsOfBatches(
    batchIds: readonly number[],
  ): Promise<Map<number, { chainId: number; contract: Address; status: string }[]>> {
    return events.anchorsOfBatches(this.db, batchIds);
  }

  async getTemperatureProfile(gtin: string): Promise<TemperatureProfileRecord | undefined> {
    return getTemperatureProfile(this.db, gtin);
  }

  async putTemperatureProfile(
    profile: TemperatureProfileRecord,
  ): Promise<{ created: boolean; profile: TemperatureProfileRecord }> {
    return putTemperatureProfile(this.db, profile);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    // A commit that ends may leave a group waiting for its window: it goes now.
    while (this.writing) {
      await this.writing;
      this.flush();
    }
    await this.writer?.close();
    this.db.close();
  }
}
