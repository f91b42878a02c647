/**
 * Codes of the SealtrailErrors a store throws (SQLite and MongoDB alike, so callers test one code whatever
 * the store). A caller's mistake or a race surfaces as one of these; a refused input is an outcome, never
 * an error (see InsertOutcome, AssignGiaiOutcome, …).
 */
export const StoreErrorCode = {
  /** A call after close(). */
  Closed: "STORE_CLOSED",
  /** The SQLite file was written by a newer build. */
  SchemaTooNew: "STORE_SCHEMA_TOO_NEW",
  /** sealBatch's size does not match the unbatched messages (a concurrent seal, or a bug). */
  BatchConflict: "BATCH_CONFLICT",
  /** The MongoDB server is a standalone: transactions, so the store, need a replica set. */
  NeedsReplicaSet: "STORE_NEEDS_REPLICA_SET",
  /** The MongoDB server could not be reached or refused the connection. */
  Unreachable: "STORE_UNREACHABLE",
} as const;
export type StoreErrorCode = (typeof StoreErrorCode)[keyof typeof StoreErrorCode];
