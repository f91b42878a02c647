import type {
  DeviceReadingColumns,
  DeviceReadingWindow,
  ReadingColumns,
  WindowReading,
} from "./eventTypes.ts";

/** A `prev` that is not 32 bytes of hex links to nothing, as in the SQLite store's columns. */
const BROKEN_PREV = "-".repeat(64);

/** Lowercase hex without `0x`, 64 characters, or the broken-link marker. */
const hex64 = (value: string): string => {
  const bare = value.startsWith("0x") ? value.slice(2).toLowerCase() : value.toLowerCase();
  return /^[0-9a-f]{64}$/.test(bare) ? bare : BROKEN_PREV;
};

/**
 * Readings as the columns a provenance request reads (ReadingColumns), for a store whose query answers rows:
 * the MongoDB store answers readingsAround and derives readingColumnsAround from it with this.
 * @example columnsOfRows(window.within).count === window.within.length
 */
export function columnsOfRows(rows: readonly WindowReading[]): ReadingColumns {
  return {
    count: rows.length,
    seq: rows.map((r) => r.seq),
    ts: rows.map((r) => r.ts),
    tempC: rows.map((r) => r.tempC),
    batchId: rows.map((r) => r.batchId),
    idsHex: rows.map((r) => hex64(r.messageId)).join(""),
    prevsHex: rows.map((r) => hex64(r.prev)).join(""),
  };
}

/**
 * A reading window (rows) as columns, its neighbours as 0- or 1-row columns.
 * @example windowAsColumns(await readingsAround(c, device, from, to)).within.count
 */
export function windowAsColumns(w: DeviceReadingWindow): DeviceReadingColumns {
  return {
    before: columnsOfRows(w.before ? [w.before] : []),
    within: columnsOfRows(w.within),
    after: columnsOfRows(w.after ? [w.after] : []),
    truncated: w.truncated,
  };
}
