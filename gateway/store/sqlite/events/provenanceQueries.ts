import type Database from "better-sqlite3";
import { bytesToHex, type Hex } from "#protocol";
import type {
  DeviceReadingWindow,
  EpcRole,
  EventVisibility,
  ProvenanceEventRecord,
  WindowReading,
} from "../../eventTypes.ts";
import type { AnchorRecord } from "../../types.ts";
import { MessageKind } from "../schema.ts";
import { SIGNER_KEY_SQL } from "../signerKey.ts";
import { batchFinder } from "./batchFinder.ts";
import { prevOf, prevSource } from "./readingPrevs.ts";

type EventRow = {
  n: number;
  id: Buffer;
  event_hash: string;
  event_id: string;
  organisation: string;
  signed_by: "organisation" | "attester";
  type: string;
  event_time: number;
  action: string | null;
  biz_step: string | null;
  visibility: EventVisibility;
  event_json: string;
};

/** Most events one provenance request reads: a bound on what one product (and its units) can cost. */
export const MAX_PROVENANCE_EVENTS = 10_000;

/**
 * Every event that names one of `epcs` (canonical Digital Links, any role), oldest first, each with all
 * the identifiers it names and its batch. Served by the `event_epcs` primary key (epc, role, n): one index
 * range per identifier, then a row lookup per event. At most {@link MAX_PROVENANCE_EVENTS}.
 */
export function eventsNaming(db: Database.Database, epcs: readonly string[]): ProvenanceEventRecord[] {
  if (epcs.length === 0) return [];
  const rows = db
    .prepare(
      `SELECT e.n, m.id, e.event_hash, e.event_id, e.organisation, e.signed_by, e.type, e.event_time, e.action,
              e.biz_step, e.visibility, e.event_json
       FROM events e JOIN messages m ON m.n = e.n
       WHERE e.n IN (SELECT n FROM event_epcs WHERE epc IN (SELECT value FROM json_each(?)))
       ORDER BY e.event_time, e.n LIMIT ?`,
    )
    .all(JSON.stringify(epcs), MAX_PROVENANCE_EVENTS) as EventRow[];
  const epcsOf = db.prepare("SELECT epc, role FROM event_epcs WHERE n = ?");
  const batchOf = batchFinder(
    db,
    rows.map((r) => r.n),
  );
  return rows.map((r) => ({
    arrival: r.n,
    messageId: bytesToHex(r.id),
    eventHash: r.event_hash,
    eventId: r.event_id,
    organisation: r.organisation,
    signedBy: r.signed_by,
    type: r.type,
    eventTime: r.event_time,
    action: r.action,
    bizStep: r.biz_step,
    visibility: r.visibility,
    eventJson: r.event_json,
    epcs: epcsOf.all(r.n) as { epc: string; role: EpcRole }[],
    batchId: batchOf(r.n),
  }));
}

/** Most readings of one device in one window: 40 days at one a minute. */
export const MAX_WINDOW_READINGS = 60_000;

// Exactly the columns of the messages_device_readings index (schema 8): the queries below then read the
// index alone, never a row (provenanceQueries.test.ts pins it).
const READING_COLUMNS = "n, seq, device_ts, id, link, temp_c";
const BY_DEVICE = `signer = ${SIGNER_KEY_SQL("?")}`;
/** A device's readings with from <= ts <= to, in time order: (device, from, to, limit). */
export const READINGS_WINDOW_SQL = `SELECT ${READING_COLUMNS} FROM messages WHERE ${BY_DEVICE} AND device_ts >= ? AND device_ts <= ? AND kind = ${MessageKind.Reading} ORDER BY device_ts LIMIT ?`;
const READING_BEFORE_SQL = `SELECT ${READING_COLUMNS} FROM messages WHERE ${BY_DEVICE} AND device_ts < ? AND kind = ${MessageKind.Reading} ORDER BY device_ts DESC LIMIT 1`;
const READING_AFTER_SQL = `SELECT ${READING_COLUMNS} FROM messages WHERE ${BY_DEVICE} AND device_ts > ? AND kind = ${MessageKind.Reading} ORDER BY device_ts LIMIT 1`;

/**
 * One device's readings with `from <= ts <= to`, plus the last one before `from` and the first one after
 * `to` (so a completeness check can see the edges), in time order. Each query reads one range of the
 * covering `messages_device_readings` index (signer, device_ts, …): temp_c was taken from the payload when
 * the reading was stored, and prev is the id of the reading before wherever `link` says so (readingPrevs.ts).
 */
export function readingsAround(
  db: Database.Database,
  device: string,
  from: number,
  to: number,
): DeviceReadingWindow {
  const before = db.prepare(READING_BEFORE_SQL).raw().get(device, from) as RawReading | undefined;
  const within = db
    .prepare(READINGS_WINDOW_SQL)
    .raw()
    .all(device, from, to, MAX_WINDOW_READINGS + 1) as RawReading[];
  const after = db.prepare(READING_AFTER_SQL).raw().get(device, to) as RawReading | undefined;
  const truncated = within.length > MAX_WINDOW_READINGS;
  if (truncated) within.length = MAX_WINDOW_READINGS;
  const all = [...(before ? [before] : []), ...within, ...(after ? [after] : [])];
  const batchOf = batchFinder(
    db,
    all.map((r) => r[0]),
  );
  const prevs = prevSource(db, device);
  const readings = new Map<RawReading, WindowReading>();
  let last: { seq: number; idHex: string } | undefined;
  for (const r of all) {
    // Buffer's native hex: for 43,200 ids it saves a measured ~100 ms over a JS byte loop.
    const idHex = r[3].toString("hex");
    const prev = prevOf(prevs, { n: r[0], seq: r[1], link: r[4] }, last);
    readings.set(r, {
      seq: r[1],
      ts: r[2],
      messageId: `0x${idHex}`,
      prev: (prev ?? "0x") as Hex,
      tempC: typeof r[5] === "number" ? r[5] : null,
      batchId: batchOf(r[0]),
    });
    last = { seq: r[1], idHex };
  }
  const toReading = (r: RawReading) => readings.get(r)!;
  return {
    before: before ? toReading(before) : null,
    within: within.map(toReading),
    after: after ? toReading(after) : null,
    truncated,
  };
}

type RawReading = [n: number, seq: number, ts: number, id: Buffer, link: unknown, tempC: unknown];

/** The anchor records of many batches at once (a journey spans many), keyed by batch id. */
export function anchorsOfBatches(
  db: Database.Database,
  batchIds: readonly number[],
): Map<number, Pick<AnchorRecord, "chainId" | "contract" | "status">[]> {
  const result = new Map<number, Pick<AnchorRecord, "chainId" | "contract" | "status">[]>();
  if (batchIds.length === 0) return result;
  const rows = db
    .prepare(
      "SELECT batch_id, chain_id, contract, status FROM anchors WHERE batch_id IN (SELECT value FROM json_each(?))",
    )
    .raw()
    .all(JSON.stringify(batchIds)) as [number, number, string, AnchorRecord["status"]][];
  for (const [batchId, chainId, contract, status] of rows) {
    const list = result.get(batchId) ?? [];
    list.push({ chainId, contract: contract as AnchorRecord["contract"], status });
    result.set(batchId, list);
  }
  return result;
}
