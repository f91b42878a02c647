import Database from "better-sqlite3";
import { SCHEMA_VERSION } from "../schema.ts";
import { StoreBackupError, StoreBackupErrorCode } from "./errors.ts";

/** What a store file holds, as a backup or a restore reports it. */
export type StoreFileSummary = {
  /** `PRAGMA user_version`: the store schema the file was written with. */
  schemaVersion: number;
  readings: number;
  events: number;
  batches: number;
  /** The newest server receive time of a message (ms since the epoch), null for an empty store. */
  lastReceivedAt: number | null;
  bytes: number;
};

/** integrity_check lists at most this many problems; the first few are enough to say the copy is bad. */
const MAX_PROBLEMS = 10;

/**
 * Opens `path` read-only and proves it is a whole Sealtrail store: SQLite, a schema this build knows, and
 * `PRAGMA integrity_check` clean (every page, index entry and constraint; `quick_check` would skip the
 * index contents, and an index that disagrees with its table is exactly what a torn copy leaves).
 * @example const summary = checkStoreFile("/backups/sealtrail-2026-12-04.db")
 */
export function checkStoreFile(path: string): StoreFileSummary {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (cause) {
    throw new StoreBackupError(StoreBackupErrorCode.NotAStore, `cannot open ${path} as SQLite`, {
      cause,
      details: { path },
    });
  }
  try {
    let schemaVersion: number;
    let hasMessages: boolean;
    try {
      schemaVersion = db.pragma("user_version", { simple: true }) as number;
      hasMessages =
        db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'messages'").get() !==
        undefined;
    } catch (cause) {
      // SQLITE_NOTADB and friends: some other file.
      throw new StoreBackupError(StoreBackupErrorCode.NotAStore, `${path} is not an SQLite database`, {
        cause,
        details: { path },
      });
    }
    if (schemaVersion === 0 || !hasMessages)
      throw new StoreBackupError(StoreBackupErrorCode.NotAStore, `${path} is not a Sealtrail store`, {
        details: { path, schemaVersion },
      });
    if (schemaVersion > SCHEMA_VERSION)
      throw new StoreBackupError(
        StoreBackupErrorCode.SchemaTooNew,
        `${path} has store schema ${schemaVersion}, this build knows ${SCHEMA_VERSION}`,
        { details: { path, schemaVersion } },
      );
    const problems = db.pragma(`integrity_check(${MAX_PROBLEMS})`, { simple: false }) as {
      integrity_check: string;
    }[];
    const lines = problems.map((p) => p.integrity_check);
    if (lines.length !== 1 || lines[0] !== "ok")
      throw new StoreBackupError(
        StoreBackupErrorCode.IntegrityCheckFailed,
        `integrity_check of ${path} failed: ${lines.slice(0, 3).join("; ")}`,
        { details: { path, problems: lines } },
      );
    // Migration 3 added `kind`: a schema-2 store holds readings only.
    const hasKind = db.prepare("SELECT 1 FROM pragma_table_info('messages') WHERE name = 'kind'").get();
    const counts = (
      hasKind
        ? db.prepare(
            // Schema 8 made kind an integer (0 reading, 1 event): both spellings are counted.
            "SELECT count(*) FILTER (WHERE kind IN ('reading', 0)) AS readings, count(*) FILTER (WHERE kind IN ('event', 1)) AS events, max(received_at) AS last FROM messages",
          )
        : db.prepare("SELECT count(*) AS readings, 0 AS events, max(received_at) AS last FROM messages")
    ).get() as { readings: number; events: number; last: number | null };
    const batches = db.prepare("SELECT count(*) FROM batches").pluck().get() as number;
    const pageCount = db.pragma("page_count", { simple: true }) as number;
    const pageSize = db.pragma("page_size", { simple: true }) as number;
    return {
      schemaVersion,
      readings: counts.readings,
      events: counts.events,
      batches,
      lastReceivedAt: counts.last,
      bytes: pageCount * pageSize,
    };
  } finally {
    db.close();
  }
}
