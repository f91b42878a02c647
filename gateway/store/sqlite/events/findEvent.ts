import type Database from "better-sqlite3";
import { type Address, bytesToHex, type Hex, hexToBytes } from "#protocol";
import type { EpcRole, StoredEvent } from "../../eventTypes.ts";

/** A row of `events` joined with its message and batch, as findEvent and queryEvents select it. */
export type EventRow = {
  n: number;
  id: Buffer;
  raw: Buffer;
  device: string;
  event_hash: string;
  event_id: string;
  organisation: string;
  signed_by: "organisation" | "attester";
  type: string;
  event_time: number;
  record_time: number;
  action: string | null;
  biz_step: string | null;
  disposition: string | null;
  read_point: string | null;
  biz_location: string | null;
  visibility: "public" | "private";
  event_json: string;
  batch_id: number | null;
};

const SELECT = `SELECT e.*, m.id, m.raw, s.address AS device,
  (SELECT b.id FROM batches b WHERE b.last_n >= m.n AND b.first_n <= m.n ORDER BY b.last_n LIMIT 1) AS batch_id
  FROM events e JOIN messages m ON m.n = e.n JOIN signers s ON s.k = m.signer`;

/**
 * One stored event by its message id, its eventID or its CBV event hash ID. An eventID given by the
 * capturer is not unique across organisations; the first captured wins (the hash ID is the unique key).
 */
export function findEvent(
  db: Database.Database,
  key: { messageId: Hex } | { eventId: string } | { eventHash: string },
): StoredEvent | undefined {
  let row: EventRow | undefined;
  if ("messageId" in key)
    row = db.prepare(`${SELECT} WHERE m.id = ?`).get(Buffer.from(hexToBytes(key.messageId, 32))) as
      | EventRow
      | undefined;
  else if ("eventHash" in key)
    row = db.prepare(`${SELECT} WHERE e.event_hash = ?`).get(key.eventHash) as EventRow | undefined;
  else
    row = db.prepare(`${SELECT} WHERE e.event_id = ? ORDER BY e.n LIMIT 1`).get(key.eventId) as
      | EventRow
      | undefined;
  if (!row) return undefined;
  const epcs = db.prepare("SELECT epc, role FROM event_epcs WHERE n = ? ORDER BY role, epc").all(row.n) as {
    epc: string;
    role: EpcRole;
  }[];
  return storedEvent(row, epcs);
}

/** A selected row and its identifiers as the store's StoredEvent. */
export function storedEvent(row: EventRow, epcs: { epc: string; role: EpcRole }[]): StoredEvent {
  return {
    arrival: row.n,
    batchId: row.batch_id,
    messageId: bytesToHex(row.id),
    raw: new Uint8Array(row.raw),
    signer: row.device as Address,
    signedBy: row.signed_by,
    organisation: row.organisation,
    eventHash: row.event_hash,
    eventId: row.event_id,
    type: row.type,
    eventTime: row.event_time,
    recordTime: row.record_time,
    action: row.action,
    bizStep: row.biz_step,
    disposition: row.disposition,
    readPoint: row.read_point,
    bizLocation: row.biz_location,
    visibility: row.visibility,
    eventJson: row.event_json,
    epcs,
  };
}
