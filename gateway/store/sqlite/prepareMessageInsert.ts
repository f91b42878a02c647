import type Database from "better-sqlite3";
import type { Address } from "#protocol";
import { compactReadingRaw } from "./compactRaw.ts";
import { prepareSignerKey } from "./signerKey.ts";

/** What one insert did: stored, the same message again, or another message for an already used (device, seq). */
export const InsertStatus = { Inserted: 0, Duplicate: 1, Equivocation: 2 } as const;
export type InsertStatus = (typeof InsertStatus)[keyof typeof InsertStatus];

/** The prepared insert of one message on one connection. */
export type MessageInsert = {
  /** Inserts one message row (call inside a transaction); never throws for a conflict. */
  insert(
    id: Uint8Array,
    device: string,
    seq: number,
    raw: Uint8Array,
    deviceTs: number,
    receivedAt: number,
    payload: string,
  ): InsertStatus;
  /** The id already stored for (device, seq), after an insert answered Equivocation. */
  existingId(device: string, seq: number): Buffer | undefined;
};

// What schema 8 keeps of the payload JSON (see schema.ts): read from it by SQLite in C, at insert.
const PREV = "unhex(substr(json_extract(@payload, '$.prev'), 3))";
const TEMP_C = "json_extract(@payload, '$.m.temp_c')";

/**
 * The one insert path of a message (reading) row, prepared on a connection: SqliteStore's own (writes on
 * the calling thread) and the writer thread's both use it, so duplicate and equivocation are told apart
 * the same way everywhere. A conflict on the id is a duplicate (acknowledged again, stored once); a
 * conflict on (signer, seq) alone is equivocation.
 *
 * The row (schema 8) takes temp_c and link from the payload JSON the gateway decoded from the verified
 * bytes, and raw without the prefix its signer determines; the JSON itself is kept only for a record whose
 * raw bytes are not a COSE_Sign1 of its device (no gateway stores one). `link` costs one probe of the
 * (signer, seq) index at seq - 1, on the page this device's previous insert touched.
 * @example const m = prepareMessageInsert(db); db.transaction(() => m.insert(id, device, 1, raw, ts, now, "{}"))()
 */
export function prepareMessageInsert(db: Database.Database): MessageInsert {
  const signerKey = prepareSignerKey(db);
  const insert = db.prepare(
    `INSERT INTO messages (id, kind, signer, seq, device_ts, received_at, temp_c, link, raw_tail, raw, payload)
     VALUES (@id, 0, @signer, @seq, @deviceTs, @receivedAt,
       CASE WHEN typeof(${TEMP_C}) IN ('integer', 'real') THEN ${TEMP_C} END,
       CASE WHEN @seq = 1 THEN ${PREV} = zeroblob(32)
            ELSE ${PREV} = (SELECT id FROM messages WHERE signer = @signer AND seq = @seq - 1) END,
       @rawTail, @raw, @keptPayload)
     ON CONFLICT DO NOTHING`,
  );
  const exists = db.prepare("SELECT 1 FROM messages WHERE id = ?").pluck();
  const idBySeq = db
    .prepare("SELECT id FROM messages WHERE signer = (SELECT k FROM signers WHERE address = ?) AND seq = ?")
    .pluck();
  return {
    insert(id, device, seq, raw, deviceTs, receivedAt, payload) {
      const compact = compactReadingRaw(raw, device as Address);
      const idBytes = Buffer.from(id.buffer, id.byteOffset, id.length);
      const info = insert.run({
        id: idBytes,
        signer: signerKey(device),
        seq,
        deviceTs,
        receivedAt,
        payload,
        rawTail: compact ? 1 : 0,
        raw: compact ?? Buffer.from(raw.buffer, raw.byteOffset, raw.length),
        keptPayload: compact ? null : payload,
      });
      if (info.changes === 1) return InsertStatus.Inserted;
      return exists.get(idBytes) ? InsertStatus.Duplicate : InsertStatus.Equivocation;
    },
    existingId(device, seq) {
      return idBySeq.get(device, seq) as Buffer | undefined;
    },
  };
}
