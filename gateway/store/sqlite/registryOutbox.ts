// The registry outbox (schema 6): key lifecycle operations waiting for SealtrailDeviceRegistry. Rows are
// written by the key-changing statements of the store, inside their own transactions.
import type Database from "better-sqlite3";
import { type Address, type Hex, invariant, type RegistryKeyKind } from "#protocol";
import type {
  RegistryOperation,
  RegistryOperationKind,
  RegistryOperationState,
  RegistryOperationUpdate,
  RegistryOutboxSummary,
} from "../registryOutboxTypes.ts";

/**
 * The outbox table and its backfill. The backfill queues what a store of schema 5 or older already holds
 * (every registration, rotation and revocation of device and organisation keys, in the order they happened),
 * so keys registered before the registrar existed reach the chain too. A new file has no keys yet: the
 * INSERT … SELECT queues nothing. It runs once, when the table is created (see {@link MIGRATION_6}).
 */
export const REGISTRY_OUTBOX_SQL = `
CREATE TABLE IF NOT EXISTS registry_outbox (
  id              INTEGER PRIMARY KEY,
  key_kind        TEXT NOT NULL CHECK (key_kind IN ('device', 'organisation', 'attester')),
  operation       TEXT NOT NULL CHECK (operation IN ('register', 'revoke', 'rotate')),
  address         TEXT NOT NULL,
  new_address     TEXT,
  public_key      BLOB,
  requested_at    INTEGER NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'done', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  chain_id        INTEGER,
  contract        TEXT,
  tx_hash         TEXT,
  block_number    INTEGER,
  block_timestamp INTEGER,
  updated_at      INTEGER NOT NULL,
  CHECK ((operation = 'rotate') = (new_address IS NOT NULL)),
  CHECK ((operation = 'revoke') = (public_key IS NULL))
) STRICT;
-- The registrar's "next open operation" and /status's counts read this; done rows are most rows.
CREATE INDEX IF NOT EXISTS registry_outbox_state ON registry_outbox (state, id);
CREATE INDEX IF NOT EXISTS registry_outbox_address ON registry_outbox (address);
CREATE INDEX IF NOT EXISTS registry_outbox_new_address ON registry_outbox (new_address);
`;

const backfill = (table: "devices" | "organisation_keys", kind: RegistryKeyKind) => `
  SELECT '${kind}' AS kind, 'register' AS op, address, NULL AS new_address, public_key AS pk, registered_at AS at, 0 AS o
    FROM ${table} WHERE rotated_from IS NULL
  UNION ALL
  SELECT '${kind}', 'rotate', k.address, k.rotated_to, n.public_key, k.revoked_at, 1
    FROM ${table} k JOIN ${table} n ON n.address = k.rotated_to
  UNION ALL
  SELECT '${kind}', 'revoke', address, NULL, NULL, revoked_at, 1
    FROM ${table} WHERE revoked_at IS NOT NULL AND rotated_to IS NULL`;

/** Migration to schema 6: the outbox, then every key change the file already holds, queued in time order. */
export const MIGRATION_6 = `
${REGISTRY_OUTBOX_SQL}
INSERT INTO registry_outbox (key_kind, operation, address, new_address, public_key, requested_at, updated_at)
  SELECT kind, op, address, new_address, pk, at, at FROM (
    ${backfill("devices", "device")}
    UNION ALL
    ${backfill("organisation_keys", "organisation")}
  ) ORDER BY at, o, address;
`;

type OutboxRow = {
  id: number;
  key_kind: RegistryKeyKind;
  operation: RegistryOperationKind;
  address: string;
  new_address: string | null;
  public_key: Buffer | null;
  requested_at: number;
  state: RegistryOperationState;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  chain_id: number | null;
  contract: string | null;
  tx_hash: string | null;
  block_number: number | null;
  block_timestamp: number | null;
  updated_at: number;
};

function operationFromRow(r: OutboxRow): RegistryOperation {
  return {
    id: r.id,
    keyKind: r.key_kind,
    operation: r.operation,
    address: r.address as Address,
    newAddress: r.new_address as Address | null,
    publicKey: r.public_key === null ? null : new Uint8Array(r.public_key),
    requestedAt: r.requested_at,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    chainId: r.chain_id,
    contract: r.contract as Address | null,
    txHash: r.tx_hash as Hex | null,
    blockNumber: r.block_number,
    blockTimestamp: r.block_timestamp,
    updatedAt: r.updated_at,
  };
}

/**
 * Queues one operation. Call it inside the transaction that makes the key change, so the two commit or
 * roll back together.
 */
export function enqueueRegistryOperation(
  db: Database.Database,
  op: {
    keyKind: RegistryKeyKind;
    operation: RegistryOperationKind;
    address: Address;
    newAddress?: Address;
    publicKey?: Uint8Array;
    at: number;
  },
): void {
  invariant(db.inTransaction, "a registry operation is queued inside the key change's own transaction");
  db.prepare(
    `INSERT INTO registry_outbox (key_kind, operation, address, new_address, public_key, requested_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    op.keyKind,
    op.operation,
    op.address,
    op.newAddress ?? null,
    op.publicKey === undefined ? null : Buffer.from(op.publicKey),
    op.at,
    op.at,
  );
}

export function nextRegistryOperation(db: Database.Database): RegistryOperation | undefined {
  const row = db
    .prepare("SELECT * FROM registry_outbox WHERE state IN ('pending', 'sent') ORDER BY id LIMIT 1")
    .get() as OutboxRow | undefined;
  return row && operationFromRow(row);
}

const COLUMN_OF: Record<Exclude<keyof RegistryOperationUpdate, never>, string> = {
  state: "state",
  attempts: "attempts",
  nextAttemptAt: "next_attempt_at",
  lastError: "last_error",
  chainId: "chain_id",
  contract: "contract",
  txHash: "tx_hash",
  blockNumber: "block_number",
  blockTimestamp: "block_timestamp",
  updatedAt: "updated_at",
};

export function updateRegistryOperation(
  db: Database.Database,
  id: number,
  update: RegistryOperationUpdate,
): RegistryOperation {
  const entries = Object.entries(update).filter(([k, v]) => v !== undefined && k in COLUMN_OF) as [
    keyof RegistryOperationUpdate,
    unknown,
  ][];
  const sets = entries.map(([k]) => `${COLUMN_OF[k]} = ?`).join(", ");
  db.prepare(`UPDATE registry_outbox SET ${sets} WHERE id = ?`).run(...entries.map(([, v]) => v), id);
  const row = db.prepare("SELECT * FROM registry_outbox WHERE id = ?").get(id) as OutboxRow | undefined;
  invariant(row !== undefined, `registry operation ${id} does not exist`);
  return operationFromRow(row);
}

export function registryOperationsOf(db: Database.Database, address: Address): RegistryOperation[] {
  return (
    db
      .prepare("SELECT * FROM registry_outbox WHERE address = ? OR new_address = ? ORDER BY id")
      .all(address, address) as OutboxRow[]
  ).map(operationFromRow);
}

export function registryOutboxSummary(db: Database.Database): RegistryOutboxSummary {
  const summary: RegistryOutboxSummary = {
    pending: 0,
    sent: 0,
    done: 0,
    failed: 0,
    oldestOpenRequestedAt: null,
  };
  const rows = db.prepare("SELECT state, COUNT(*) AS n FROM registry_outbox GROUP BY state").all() as {
    state: RegistryOperationState;
    n: number;
  }[];
  for (const r of rows) summary[r.state] = r.n;
  summary.oldestOpenRequestedAt =
    (db
      .prepare("SELECT MIN(requested_at) FROM registry_outbox WHERE state IN ('pending', 'sent')")
      .pluck()
      .get() as number | null) ?? null;
  return summary;
}

export function enqueueAttesterKey(
  db: Database.Database,
  key: { address: Address; publicKey: Uint8Array },
  at: number,
): boolean {
  return db
    .transaction((): boolean => {
      const named = db
        .prepare("SELECT 1 FROM registry_outbox WHERE address = ? OR new_address = ? LIMIT 1")
        .get(key.address, key.address);
      if (named) return false;
      enqueueRegistryOperation(db, {
        keyKind: "attester",
        operation: "register",
        address: key.address,
        publicKey: key.publicKey,
        at,
      });
      return true;
    })
    .immediate();
}

export function retargetRegistryOutbox(
  db: Database.Database,
  target: { chainId: number; contract: Address },
  at: number,
): number {
  return db
    .prepare(
      `UPDATE registry_outbox SET state = 'pending', attempts = 0, next_attempt_at = 0, last_error = NULL,
         chain_id = NULL, contract = NULL, tx_hash = NULL, block_number = NULL, block_timestamp = NULL, updated_at = ?
       WHERE chain_id IS NOT NULL AND (chain_id <> ? OR contract <> ?)`,
    )
    .run(at, target.chainId, target.contract.toLowerCase()).changes;
}
