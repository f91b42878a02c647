import type Database from "better-sqlite3";
import { bytesToHex, hexToBytes } from "#protocol";
import type { EventRecord, InsertEventOutcome } from "../../eventTypes.ts";
import { MessageKind } from "../schema.ts";
import { prepareSignerKey } from "../signerKey.ts";

/** Thrown inside the transaction to roll an all-or-nothing group back; never leaves this module. */
class RollBack extends Error {
  readonly outcomes: InsertEventOutcome[];

  constructor(outcomes: InsertEventOutcome[]) {
    super("roll back");
    this.outcomes = outcomes;
  }
}

/**
 * Stores events with their messages in ONE immediate transaction (one fsync: synchronous=FULL), so a
 * capture job is durable as a whole. Each event becomes a row of `messages` (kind 1, event, no seq: see
 * schema.ts) and of `events`, plus one `event_epcs` row per identifier. A duplicate is checked before
 * anything of that event is written: the same message id, or the same event hash ID under another message
 * (the same event signed again). With `allOrNothing` one duplicate rolls the whole group back.
 */
export function insertEvents(
  db: Database.Database,
  events: EventRecord[],
  options: { allOrNothing: boolean },
): InsertEventOutcome[] {
  const messageExists = db.prepare("SELECT 1 FROM messages WHERE id = ?").pluck();
  const byHash = db
    .prepare("SELECT m.id FROM events e JOIN messages m ON m.n = e.n WHERE e.event_hash = ?")
    .pluck();
  // An event's raw bytes are kept whole (raw_tail 0): its JSON lives in `events`.
  const insertMessage = db.prepare(
    `INSERT INTO messages (id, kind, signer, seq, raw, raw_tail, device_ts, received_at)
     VALUES (?, ${MessageKind.Event}, ?, NULL, ?, 0, ?, ?)`,
  );
  const signerKey = prepareSignerKey(db);
  const insertEvent = db.prepare(
    `INSERT INTO events (n, event_hash, event_id, organisation, signed_by, type, event_time, record_time, action,
       biz_step, disposition, read_point, biz_location, visibility, event_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertEpc = db.prepare("INSERT OR IGNORE INTO event_epcs (n, epc, role) VALUES (?, ?, ?)");

  const run = db.transaction((): InsertEventOutcome[] => {
    const outcomes: InsertEventOutcome[] = [];
    for (const e of events) {
      const id = Buffer.from(hexToBytes(e.messageId, 32));
      if (messageExists.get(id)) {
        outcomes.push({ status: "duplicate-message" });
        continue;
      }
      const existing = byHash.get(e.eventHash) as Buffer | undefined;
      if (existing) {
        outcomes.push({ status: "duplicate-event", existingMessageId: bytesToHex(existing) });
        continue;
      }
      const n = Number(
        insertMessage.run(id, signerKey(e.signer), Buffer.from(e.raw), e.eventTime, e.recordTime)
          .lastInsertRowid,
      );
      insertEvent.run(
        n,
        e.eventHash,
        e.eventId,
        e.organisation,
        e.signedBy,
        e.type,
        e.eventTime,
        e.recordTime,
        e.action,
        e.bizStep,
        e.disposition,
        e.readPoint,
        e.bizLocation,
        e.visibility,
        e.eventJson,
      );
      for (const { epc, role } of e.epcs) insertEpc.run(n, epc, role);
      outcomes.push({ status: "inserted" });
    }
    if (options.allOrNothing && outcomes.some((o) => o.status !== "inserted")) throw new RollBack(outcomes);
    return outcomes;
  });

  try {
    return run.immediate();
  } catch (error) {
    if (!(error instanceof RollBack)) throw error;
    // Rolled back: the duplicates say why; the others were not stored either.
    return error.outcomes.map((o) => (o.status === "inserted" ? { status: "not-stored" } : o));
  }
}
