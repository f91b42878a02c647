import type { Address, AnchorStatus, Hex } from "#protocol";

/**
 * The gateway's storage, behind one small interface: SQLite (embedded, sqlite/) and MongoDB (production,
 * mongo/) implement it; unit tests may use a fake. Every write that resolves is durable: the SQLite store
 * commits with WAL + synchronous=FULL, MongoDB with w:majority, j:true.
 */

export type DeviceRecord = {
  address: Address;
  /** 33-byte compressed secp256k1 key. */
  publicKey: Uint8Array;
  label: string;
  /** ms since epoch, server clock. */
  registeredAt: number;
  revokedAt: number | null;
  /** Set when the device equivocated (two messages with one seq). */
  flaggedAt: number | null;
  /** The key this one replaced by a rotation, or null. */
  rotatedFrom: Address | null;
  /** The key that replaced this one by a rotation (this one is then revoked, at the same time), or null. */
  rotatedTo: Address | null;
  /** Its GS1 GIAI (AI 8004, the bare key), how EPCIS AssociationEvents name it; null when it has none. */
  giai: string | null;
};

/** What happened to one GIAI assignment: a device keeps the first GIAI it is given, and a GIAI names one device. */
export type AssignGiaiOutcome =
  | { status: "assigned"; device: DeviceRecord }
  /** The device has this GIAI already. */
  | { status: "unchanged"; device: DeviceRecord }
  /** The device has another GIAI. */
  | { status: "conflict"; device: DeviceRecord }
  /** Another device has this GIAI. */
  | { status: "taken"; holder: Address }
  | { status: "unknown" };

/** What happened to one rotation (the same checks, in the same order, as SealtrailDeviceRegistry.rotate). */
export type RotateOutcome =
  | { status: "rotated"; from: DeviceRecord; to: DeviceRecord }
  /** The old key is not registered. */
  | { status: "unknown" }
  /** The new key is already registered (rotating a key to itself included). */
  | { status: "already-registered"; device: DeviceRecord }
  /** The old key is already revoked (or rotated). */
  | { status: "revoked"; device: DeviceRecord };

/** A verified message ready to be stored. */
export type MessageRecord = {
  messageId: Hex;
  device: Address;
  seq: number;
  /** Raw COSE_Sign1 bytes exactly as received. */
  raw: Uint8Array;
  /** Device clock (payload ts), ms. */
  deviceTs: number;
  /** Server receive time, ms. */
  receivedAt: number;
  /** Decoded payload as JSON text (informative; proofs use `raw`). */
  payloadJson: string;
};

export type StoredMessage = MessageRecord & { batchId: number | null };

/**
 * The order of a message listing, and so the key a cursor resumes after:
 * - `seq`: one device's messages by seq (the listing names a device);
 * - `received`: by receive time, then arrival (a receive-time window is given);
 * - `arrival`: by arrival number (otherwise).
 */
export type MessageOrder = "seq" | "received" | "arrival";

/** A stored message with its arrival number, the tie-breaker of every listing order. */
export type ListedMessage = StoredMessage & { arrival: number };

/** The position after which a listing resumes: the last message of the previous page. */
export type MessageKey = { seq: number; receivedAt: number; arrival: number };

/** Filters of a message listing; every bound is inclusive, every filter narrows. */
export type MessageQuery = {
  device?: Address;
  /** Device clock window (payload ts), ms. */
  deviceTsFrom?: number;
  deviceTsTo?: number;
  /** Server receive-time window, ms. */
  receivedFrom?: number;
  receivedTo?: number;
  batchId?: number;
  /**
   * Only messages whose summary anchor status over `targets` is `status`: `pending` while unbatched, else
   * the furthest tier any target reached (`sealed` when none has a record), as the API reports it.
   */
  anchorStatus?: { status: AnchorStatus; targets: readonly AnchorTarget[] };
  /** Resume after this message (its key in the listing's order). */
  after?: MessageKey;
  limit: number;
};

/** What happened to one insert. */
export type InsertOutcome =
  | { status: "inserted" }
  /** Same message id already stored: acknowledge again, store nothing. */
  | { status: "duplicate" }
  /** Same (device, seq) with different bytes: refuse and flag. */
  | { status: "equivocation"; existingId: Hex };

export type BatchRecord = {
  id: number;
  root: Hex;
  size: number;
  sealedAt: number;
};

/** An anchor target: one contract on one chain. */
export type AnchorTarget = { chainId: number; contract: Address };

export type AnchorRecord = AnchorTarget & {
  batchId: number;
  root: Hex;
  status: Exclude<AnchorStatus, "pending">;
  txHash: Hex | null;
  nonce: number | null;
  rawTx: Hex | null;
  /** Fee cap of the current transaction, wei per gas (decimal string). */
  maxFeePerGas: string | null;
  /** Tip of the current transaction, wei per gas (decimal string). */
  maxPriorityFeePerGas: string | null;
  /** When the current transaction was signed, ms. */
  submittedAt: number | null;
  /** Transactions signed for this anchor so far (1 + fee bumps + resends after drops). */
  attempts: number;
  blockNumber: number | null;
  blockTimestamp: number | null;
  /** Gas used and fee paid (wei, decimal string) by the including transaction. */
  gasUsed: string | null;
  feeWei: string | null;
  updatedAt: number;
};

export type AnchorUpdate = Partial<Omit<AnchorRecord, "chainId" | "contract" | "batchId" | "root">> & {
  status: AnchorRecord["status"];
};

export interface Store {
  // Devices
  /** Registers a device; registering the same address with the same key again returns the existing record. */
  registerDevice(device: {
    address: Address;
    publicKey: Uint8Array;
    label: string;
    registeredAt: number;
  }): Promise<DeviceRecord>;
  getDevice(address: Address): Promise<DeviceRecord | undefined>;
  listDevices(): Promise<DeviceRecord[]>;
  /** Revokes an active device; the record as it is after the call (an earlier revocation is kept). */
  revokeDevice(address: Address, at: number): Promise<DeviceRecord | undefined>;
  /** Atomically registers `to` as the successor of `from` and revokes `from`, both at `at`. */
  rotateDevice(rotation: {
    from: Address;
    to: { address: Address; publicKey: Uint8Array; label: string };
    at: number;
  }): Promise<RotateOutcome>;
  flagDevice(address: Address, at: number): Promise<void>;
  /** Gives a device its GIAI (bare key, validated by the caller), once. */
  assignDeviceGiai(address: Address, giai: string): Promise<AssignGiaiOutcome>;
  /** The device a GIAI names. */
  findDeviceByGiai(giai: string): Promise<DeviceRecord | undefined>;

  // Messages
  /** Durably inserts one message (group-committed with concurrent calls). Resolves after the commit. */
  insertMessage(message: MessageRecord): Promise<InsertOutcome>;
  getMessage(messageId: Hex): Promise<StoredMessage | undefined>;
  /** A device's messages by seq, ascending, optionally within a device-time window. */
  listDeviceMessages(
    device: Address,
    options?: { fromTs?: number; toTs?: number; limit?: number },
  ): Promise<StoredMessage[]>;
  /**
   * One page of messages across devices, filtered, in the order {@link MessageOrder} describes (given
   * back, so a caller can build the cursor). Served from indexes: see sqlite/listMessages.ts.
   */
  listMessages(query: MessageQuery): Promise<{ order: MessageOrder; messages: ListedMessage[] }>;
  countMessages(): Promise<number>;

  // Batches
  /**
   * Messages not yet in a batch, in arrival order, looking at most `maxSize` ahead: how many, the
   * arrival number of the last of them (a batch seals up to it) and the receive time of the oldest.
   */
  unbatchedSummary(
    maxSize: number,
  ): Promise<{ count: number; lastN: number; oldestReceivedAt: number | null }>;
  /** Ids of unbatched messages with arrival number in (afterN, upToN], at most `limit`, as 32-byte runs. */
  readUnbatchedIds(
    afterN: number,
    upToN: number,
    limit: number,
  ): Promise<{ ids: Uint8Array; count: number; lastN: number }>;
  /** The arrival number after which unbatched messages start (the last sealed batch's last message). */
  lastBatchedN(): Promise<number>;
  /**
   * Atomically records the batch of every unbatched message up to arrival number `lastN`; `size` must
   * match, or it throws (a concurrent seal or a bug). Constant time whatever the size.
   */
  sealBatch(batch: { root: Hex; sealedAt: number; lastN: number; size: number }): Promise<BatchRecord>;
  getBatch(id: number): Promise<BatchRecord | undefined>;
  /** Message ids of a batch, in arrival order. */
  batchMessageIds(batchId: number): Promise<Hex[]>;
  listBatches(options?: { afterId?: number; limit?: number }): Promise<BatchRecord[]>;

  // Anchors
  /** Batches with no anchor record for this target, oldest first. */
  batchesToAnchor(target: AnchorTarget, limit: number): Promise<BatchRecord[]>;
  getAnchors(batchId: number): Promise<AnchorRecord[]>;
  listAnchors(target: AnchorTarget, statuses: AnchorRecord["status"][]): Promise<AnchorRecord[]>;
  /** Creates or updates the anchor record of (batch, target). */
  putAnchor(target: AnchorTarget, batchId: number, update: AnchorUpdate): Promise<AnchorRecord>;
  /** Deletes every anchor record of a target (its chain was reset): the batches become due again. */
  resetAnchors(target: AnchorTarget): Promise<number>;
  /**
   * Takes or renews the target's anchoring lease for `holder` until `now + leaseMs`: true when `holder`
   * holds it after the call (it was free, expired, or already its own). Gateways sharing a store anchor a
   * target one at a time, so no root is signed twice; `leaseMs` 0 gives the lease up.
   */
  claimAnchoring(target: AnchorTarget, holder: string, now: number, leaseMs: number): Promise<boolean>;

  // Key/value (chain genesis hashes, deployment addresses, …)
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;

  close(): Promise<void>;
}
