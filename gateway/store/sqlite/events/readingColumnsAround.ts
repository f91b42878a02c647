import type Database from "better-sqlite3";
import { invariant } from "#protocol";
import type { DeviceReadingColumns, ReadingColumns } from "../../eventTypes.ts";
import { MessageKind } from "../schema.ts";
import { SIGNER_KEY_SQL } from "../signerKey.ts";
import { batchFinder } from "./batchFinder.ts";
import { MAX_WINDOW_READINGS } from "./provenanceQueries.ts";
import { type PrevSource, prevOf, prevSource } from "./readingPrevs.ts";

/** Hex characters of one id in {@link ReadingColumns}' strings. */
export const ID_HEX_CHARS = 64;
const NO_PREV = "-".repeat(ID_HEX_CHARS);

// (device_ts, seq) is a total order of one device's readings ((device, seq) is unique) and the covering
// index's own order: both statements below read the same rows in the same order, with no sort.
const ascending = "device_ts, seq";
const descending = "device_ts DESC, seq DESC";
const ranges = {
  within: { where: "device_ts >= ? AND device_ts <= ?", order: ascending },
  before: { where: "device_ts < ?", order: descending },
  after: { where: "device_ts > ?", order: ascending },
} as const;

const BY_DEVICE = `signer = ${SIGNER_KEY_SQL("?")}`;

/**
 * The numbers of a range, one row per reading: everything but the ids, whose 43,200 Buffers (or strings)
 * would cost more than the rest of the row (measured: 93 ms of CPU for the window with ids and prev as
 * values, 20 ms without).
 */
export const readingNumbersSql = (range: keyof typeof ranges) =>
  `SELECT n, seq, device_ts, temp_c, link FROM messages WHERE ${BY_DEVICE} AND ${ranges[range].where} AND kind = ${MessageKind.Reading} ORDER BY ${ranges[range].order} LIMIT ?`;

/**
 * The ids of the same range as one string, concatenated by SQLite in C: one JavaScript string instead of
 * one per reading. The subquery (ORDER BY with LIMIT, so never flattened) runs as a co-routine that hands
 * its rows to group_concat in its own order; an ORDER BY inside group_concat would say so too, but costs two
 * temporary B-trees. The test pins that plan; and ids out of line with their rows could only break the hash
 * chain (an incomplete record), never pass as a complete one. The prevs are not read (schema 8 keeps `link`
 * instead): in an unbroken chain they are these ids shifted by one.
 */
export const readingHexSql = (range: keyof typeof ranges) =>
  `SELECT group_concat(lower(hex(id)), '') FROM (SELECT device_ts, seq, id FROM messages WHERE ${BY_DEVICE} AND ${ranges[range].where} AND kind = ${MessageKind.Reading} ORDER BY ${ranges[range].order} LIMIT ?)`;

type NumberRow = [n: number, seq: number, ts: number, tempC: unknown, link: unknown];

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
    const prevs = prevSource(db, device);
    const before = columnsOf(db, prevs, "before", [device, from], 1);
    const within = columnsOf(db, prevs, "within", [device, from, to], MAX_WINDOW_READINGS + 1);
    const after = columnsOf(db, prevs, "after", [device, to], 1);
    const truncated = within.count > MAX_WINDOW_READINGS;
    return { before, within: truncated ? firstRows(within, MAX_WINDOW_READINGS) : within, after, truncated };
  })();
}

function columnsOf(
  db: Database.Database,
  prevs: PrevSource,
  range: keyof typeof ranges,
  params: unknown[],
  limit: number,
): ReadingColumns {
  const rows = db
    .prepare(readingNumbersSql(range))
    .raw()
    .all(...params, limit) as NumberRow[];
  const idsRead = (db
    .prepare(readingHexSql(range))
    .pluck()
    .get(...params, limit) ?? "") as string;
  const count = rows.length;
  invariant(idsRead.length === count * ID_HEX_CHARS, "a reading window's ids do not line up with its rows");
  // The "before" range is read newest first (one row at most); columns are in time order.
  if (range === "before") rows.reverse();
  const idsHex = range === "before" ? reversedHex(idsRead) : idsRead;
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
    idsHex,
    prevsHex: prevsHexOf(prevs, rows, idsHex),
  };
  for (let i = 0; i < count; i++) {
    const [n, seq, ts, tempC] = rows[i]!;
    columns.seq[i] = seq;
    columns.ts[i] = ts;
    columns.tempC[i] = typeof tempC === "number" ? tempC : null;
    columns.batchId[i] = batchOf(n);
  }
  return columns;
}

/**
 * The prevs of a range (64 digits each, no prefix; 64 '-' for one that is not "0x" and 64 hex digits: it
 * links to nothing). In an unbroken chain — every link 1, seqs consecutive — they are the first reading's
 * prev followed by the ids but the last: one slice of a string, whatever the count.
 */
function prevsHexOf(prevs: PrevSource, rows: NumberRow[], idsHex: string): string {
  const count = rows.length;
  if (count === 0) return "";
  const first = bareHex(prevOf(prevs, { n: rows[0]![0], seq: rows[0]![1], link: rows[0]![4] }, undefined));
  let unbroken = true;
  for (let i = 1; i < count && unbroken; i++)
    unbroken = rows[i]![4] === 1 && rows[i]![1] === rows[i - 1]![1] + 1;
  if (unbroken) return first + idsHex.slice(0, (count - 1) * ID_HEX_CHARS);
  const parts = [first];
  for (let i = 1; i < count; i++) {
    const [n, seq, , , link] = rows[i]!;
    const before = { seq: rows[i - 1]![1], idHex: idsHex.slice((i - 1) * ID_HEX_CHARS, i * ID_HEX_CHARS) };
    parts.push(bareHex(prevOf(prevs, { n, seq, link }, before)));
  }
  return parts.join("");
}

function bareHex(prev: unknown): string {
  return typeof prev === "string" && /^0x[0-9a-fA-F]{64}$/.test(prev) ? prev.slice(2).toLowerCase() : NO_PREV;
}

/** Ids of `hex` (64 digits each) in the opposite order. */
function reversedHex(s: string): string {
  const parts: string[] = [];
  for (let i = s.length; i > 0; i -= ID_HEX_CHARS) parts.push(s.slice(i - ID_HEX_CHARS, i));
  return parts.join("");
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
