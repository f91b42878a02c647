import type Database from "better-sqlite3";
import { invariant } from "#protocol";
import type { DeviceReadingColumns, ReadingColumns } from "../../eventTypes.ts";
import { READING_PREV_SQL, READING_TEMP_C_SQL } from "../schema.ts";
import { batchFinder } from "./batchFinder.ts";
import { MAX_WINDOW_READINGS } from "./provenanceQueries.ts";

/** Hex characters of one id in {@link ReadingColumns}' strings. */
export const ID_HEX_CHARS = 64;
const NO_PREV = "-".repeat(ID_HEX_CHARS);
/** A `prev` as a verified reading's payload JSON carries it: "0x" and 64 hex digits. */
const PREV_CHARS = 2 + ID_HEX_CHARS;

// (device_ts, seq) is a total order of one device's readings ((device, seq) is unique) and the covering
// index's own order: both statements below read the same rows in the same order, with no sort.
const ascending = "device_ts, seq";
const descending = "device_ts DESC, seq DESC";
const ranges = {
  within: { where: "device_ts >= ? AND device_ts <= ?", order: ascending },
  before: { where: "device_ts < ?", order: descending },
  after: { where: "device_ts > ?", order: ascending },
} as const;

/**
 * The numbers of a range, one row per reading: everything but the ids, whose 43,200 Buffers (or strings)
 * would cost more than the rest of the row (measured: 93 ms of CPU for the window with ids and prev as
 * values, 20 ms without).
 */
export const readingNumbersSql = (range: keyof typeof ranges) =>
  `SELECT n, seq, device_ts, ${READING_TEMP_C_SQL} FROM messages WHERE device = ? AND ${ranges[range].where} AND kind = 'reading' ORDER BY ${ranges[range].order} LIMIT ?`;

/**
 * The ids and prevs of the same range as two strings, concatenated by SQLite in C: one JavaScript string
 * each instead of two per reading (~21 ms of CPU for 43,200 readings; a CASE normalising each prev in SQL
 * doubled that, so the prevs come as stored and are checked in JavaScript). The subquery (ORDER BY with
 * LIMIT, so never flattened) runs as a co-routine that hands its rows to group_concat in its own order; an
 * ORDER BY inside group_concat would say so too, but costs two temporary B-trees. The test pins that plan;
 * and ids out of line with their rows could only break the hash chain (an incomplete record), never pass as
 * a complete one.
 */
export const readingHexSql = (range: keyof typeof ranges) =>
  `SELECT group_concat(lower(hex(id)), ''), group_concat(prev, '') FROM (SELECT device_ts, seq, id, ${READING_PREV_SQL} AS prev FROM messages WHERE device = ? AND ${ranges[range].where} AND kind = 'reading' ORDER BY ${ranges[range].order} LIMIT ?)`;

/** The prevs of the same range one per row, for the rare range where one is not "0x" and 64 digits. */
const readingPrevsSql = (range: keyof typeof ranges) =>
  `SELECT ${READING_PREV_SQL} FROM messages WHERE device = ? AND ${ranges[range].where} AND kind = 'reading' ORDER BY ${ranges[range].order} LIMIT ?`;

type NumberRow = [n: number, seq: number, ts: number, tempC: unknown];

/**
 * One device's readings with `from <= ts <= to`, the last one before `from` and the first one after `to`,
 * as columns (ReadingColumns), each range in time order. What readingsAround answers, for a reader of tens
 * of thousands of readings: both read the covering `messages_device_readings` index alone; this one makes
 * a few JavaScript values per reading instead of an object, a Buffer and two strings. The statements run in
 * one read transaction, so the numbers and the ids of a range are of the same rows.
 * @example readingColumnsAround(db, device, from, to).within.count
 */
export function readingColumnsAround(
  db: Database.Database,
  device: string,
  from: number,
  to: number,
): DeviceReadingColumns {
  return db.transaction(() => {
    const before = columnsOf(db, "before", [device, from], 1);
    const within = columnsOf(db, "within", [device, from, to], MAX_WINDOW_READINGS + 1);
    const after = columnsOf(db, "after", [device, to], 1);
    const truncated = within.count > MAX_WINDOW_READINGS;
    return { before, within: truncated ? firstRows(within, MAX_WINDOW_READINGS) : within, after, truncated };
  })();
}

function columnsOf(
  db: Database.Database,
  range: keyof typeof ranges,
  params: unknown[],
  limit: number,
): ReadingColumns {
  const rows = db
    .prepare(readingNumbersSql(range))
    .raw()
    .all(...params, limit) as NumberRow[];
  const [idsHex, prevs] = db
    .prepare(readingHexSql(range))
    .raw()
    .get(...params, limit) as [string | null, string | null];
  const count = rows.length;
  invariant(
    (idsHex ?? "").length === count * ID_HEX_CHARS,
    "a reading window's ids do not line up with its rows",
  );
  const prevsHex = wellFormedPrevs(prevs ?? "", count) ?? prevsOneByOne(db, range, params, limit);
  const batchOf = batchFinder(
    db,
    rows.map((r) => r[0]),
  );
  const columns: ReadingColumns = {
    count,
    seq: new Array(count),
    ts: new Array(count),
    tempC: new Array(count),
    batchId: new Array(count),
    idsHex: idsHex ?? "",
    prevsHex,
  };
  for (let i = 0; i < count; i++) {
    const [n, seq, ts, tempC] = rows[i]!;
    columns.seq[i] = seq;
    columns.ts[i] = ts;
    columns.tempC[i] = typeof tempC === "number" ? tempC : null;
    columns.batchId[i] = batchOf(n);
  }
  // The "before" range is read newest first; columns are in time order.
  return range === "before" ? reversed(columns) : columns;
}

/**
 * The prevs as ReadingColumns holds them (64 digits each, no prefix) when every one of `count` is "0x" and
 * 64 characters, else null. Being hex, the digits hold no "0x": dropping every "0x" drops just the prefixes.
 */
function wellFormedPrevs(prevs: string, count: number): string | null {
  if (prevs.length !== count * PREV_CHARS) return null;
  for (let at = 0; at < prevs.length; at += PREV_CHARS) if (!prevs.startsWith("0x", at)) return null;
  const digits = prevs.replaceAll("0x", "");
  return digits.length === count * ID_HEX_CHARS ? digits : null;
}

/** The prevs read one per row, each that is not "0x" and 64 hex digits standing as 64 '-' (links to nothing). */
function prevsOneByOne(
  db: Database.Database,
  range: keyof typeof ranges,
  params: unknown[],
  limit: number,
): string {
  const prevs = db
    .prepare(readingPrevsSql(range))
    .pluck()
    .all(...params, limit) as unknown[];
  return prevs
    .map((p) => (typeof p === "string" && /^0x[0-9a-fA-F]{64}$/.test(p) ? p.slice(2).toLowerCase() : NO_PREV))
    .join("");
}

/** The first `count` rows of `c`. */
function firstRows(c: ReadingColumns, count: number): ReadingColumns {
  return {
    count,
    seq: c.seq.slice(0, count),
    ts: c.ts.slice(0, count),
    tempC: c.tempC.slice(0, count),
    batchId: c.batchId.slice(0, count),
    idsHex: c.idsHex.slice(0, count * ID_HEX_CHARS),
    prevsHex: c.prevsHex.slice(0, count * ID_HEX_CHARS),
  };
}

/** `c` with its rows in the opposite order (used on at most one row). */
function reversed(c: ReadingColumns): ReadingColumns {
  const hex = (s: string) => {
    const parts: string[] = [];
    for (let i = s.length; i > 0; i -= ID_HEX_CHARS) parts.push(s.slice(i - ID_HEX_CHARS, i));
    return parts.join("");
  };
  return {
    count: c.count,
    seq: c.seq.toReversed(),
    ts: c.ts.toReversed(),
    tempC: c.tempC.toReversed(),
    batchId: c.batchId.toReversed(),
    idsHex: hex(c.idsHex),
    prevsHex: hex(c.prevsHex),
  };
}
