import type mongoose from "mongoose";
import type { ClientSession } from "./documents.ts";

/**
 * What every write of the store waits for before it resolves (and so before a PUBACK, invariant 1): a
 * majority of the replica set has the write in its on-disk journal. A standalone server cannot run
 * transactions at all, so the store needs a replica set (one node is enough for a test).
 */
export const DURABLE_WRITE = { w: "majority", j: true } as const;

/**
 * Transactions read a snapshot and commit with {@link DURABLE_WRITE}; reads go to the primary (a
 * transaction must). The driver retries the whole callback on a TransientTransactionError (a write
 * conflict with another gateway's transaction) and the commit on UnknownTransactionCommitResult.
 */
const TRANSACTION_OPTIONS = {
  readConcern: { level: "snapshot" },
  writeConcern: DURABLE_WRITE,
  readPreference: "primary",
} as const;

/**
 * Runs `work` in one transaction, the MongoDB counterpart of SQLite's `db.transaction(…).immediate()`:
 * either everything it wrote is committed durably when this resolves, or nothing is.
 */
export async function inTransaction<T>(
  client: mongoose.mongo.MongoClient,
  work: (session: ClientSession) => Promise<T>,
): Promise<T> {
  return client.withSession((session) => session.withTransaction(() => work(session), TRANSACTION_OPTIONS));
}

/**
 * One transaction at a time from this store. Arrival and batch numbers come from counters that every
 * writer increments; between processes MongoDB orders those writers by failing all but one with a write
 * conflict (retried by the driver). Within one process a queue does it without the failed attempts, and
 * the group commit (MongoStore.insertMessage) keeps the queue short.
 */
export class TransactionLane {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves when every transaction queued so far has ended. */
  async drain(): Promise<void> {
    await this.tail;
  }
}
