import type Database from "better-sqlite3";

/** What one insert did: stored, the same message again, or another message for an already used (device, seq). */
export const InsertStatus = { Inserted: 0, Duplicate: 1, Equivocation: 2 } as const;
export type InsertStatus = (typeof InsertStatus)[keyof typeof InsertStatus];

/** The prepared insert of one message on one connection. */
export type MessageInsert = {
  /** Inserts one message row (call inside a transaction); never throws for a conflict. */
  insert(
    id: Buffer,
    device: string,
    seq: number,
    raw: Buffer,
    deviceTs: number,
    receivedAt: number,
    payload: string,
  ): InsertStatus;
  /** The id already stored for (device, seq), after an insert answered Equivocation. */
  existingId(device: string, seq: number): Buffer | undefined;
};

/**
 * The one insert path of a message (reading) row, prepared on a connection: SqliteStore's own (writes on
 * the calling thread) and the writer thread's both use it, so duplicate and equivocation are told apart
 * the same way everywhere. A conflict on the id is a duplicate (acknowledged again, stored once); a
 * conflict on (device, seq) alone is equivocation.
 * @example const m = prepareMessageInsert(db); db.transaction(() => m.insert(id, device, 1, raw, ts, now, "{}"))()
 */
export function prepareMessageInsert(db: Database.Database): MessageInsert {
  const insert = db.prepare(
    `INSERT INTO messages (id, device, seq, raw, device_ts, received_at, payload)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  const exists = db.prepare("SELECT 1 FROM messages WHERE id = ?").pluck();
  const idBySeq = db.prepare("SELECT id FROM messages WHERE device = ? AND seq = ?").pluck();
  return {
    insert(id, device, seq, raw, deviceTs, receivedAt, payload) {
      const info = insert.run(id, device, seq, raw, deviceTs, receivedAt, payload);
      if (info.changes === 1) return InsertStatus.Inserted;
      return exists.get(id) ? InsertStatus.Duplicate : InsertStatus.Equivocation;
    },
    existingId(device, seq) {
      return idBySeq.get(device, seq) as Buffer | undefined;
    },
  };
}
