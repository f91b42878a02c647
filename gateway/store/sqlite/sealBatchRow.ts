import type Database from "better-sqlite3";

/** A batch to seal: its Merkle root, when, the last arrival number it covers and how many messages. */
export type BatchToSeal = { root: Uint8Array; sealedAt: number; lastN: number; size: number };

/** The new batch's id, or why it was not sealed: its size does not match the unbatched messages. */
export type SealOutcome =
  | { id: number }
  | { conflict: { expected: number; found: number; firstN: number; lastN: number } };

/**
 * Inserts a batch row covering the messages after the last batch up to `lastN`, in one IMMEDIATE
 * transaction (it reads the batches, then inserts one), after checking that they are the `size` messages
 * the root was built over. One code path for both connections that seal: SqliteStore's own (no writer
 * thread) and the writer thread's, where sealing waits its turn between group commits instead of taking
 * the write lock (and an fsync) on the event loop.
 * @example sealBatchRow(db, { root, sealedAt: Date.now(), lastN: 10_000, size: 10_000 })
 */
export function sealBatchRow(db: Database.Database, batch: BatchToSeal): SealOutcome {
  return db
    .transaction((): SealOutcome => {
      const firstN = (db.prepare("SELECT coalesce(max(last_n), 0) FROM batches").pluck().get() as number) + 1;
      const found = db
        .prepare("SELECT count(*) FROM messages WHERE n >= ? AND n <= ?")
        .pluck()
        .get(firstN, batch.lastN) as number;
      if (found !== batch.size || found === 0)
        return { conflict: { expected: batch.size, found, firstN, lastN: batch.lastN } };
      const id = db
        .prepare("INSERT INTO batches (root, first_n, last_n, size, sealed_at) VALUES (?, ?, ?, ?, ?)")
        .run(Buffer.from(batch.root), firstN, batch.lastN, found, batch.sealedAt).lastInsertRowid;
      return { id: Number(id) };
    })
    .immediate();
}
