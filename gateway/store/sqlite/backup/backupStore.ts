import { chmodSync, existsSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import Database from "better-sqlite3";
import { checkStoreFile, type StoreFileSummary } from "./checkStoreFile.ts";
import { StoreBackupError, StoreBackupErrorCode } from "./errors.ts";
import { ioFailed, placeFile, removeWithCompanions } from "./placeFile.ts";

/** A finished backup: where it is, what it holds, and where the time went. */
export type BackupResult = StoreFileSummary & {
  source: string;
  path: string;
  /** When the copy began (ms since the epoch): the backup holds what was committed by about then. */
  snapshotAt: number;
  /** The online backup itself (one read snapshot of the store), ms. */
  copyMs: number;
  /** integrity_check and the counts on the copy, ms. */
  checkMs: number;
  totalMs: number;
};

/** Pages per backup step: all of them (sqlite3_backup_step takes at most an int). */
const ALL_PAGES = 0x7fffffff;

/**
 * Copies the SQLite store at `source` to `destination` while the gateway and the API keep using it, with
 * SQLite's online backup API. The copy is made under a temporary name beside the destination, switched
 * out of WAL mode (one self-contained file), proven whole with `PRAGMA integrity_check`, fsync'd and only
 * then given its name; an existing `destination` is never overwritten.
 *
 * The copy is one consistent snapshot of the store: it holds exactly the messages, batches and anchor
 * states committed when the backup's read transaction began, nothing acknowledged later.
 *
 * All pages are copied in one backup step. A step-by-step backup is restarted from page 1 whenever
 * another connection writes to the source between two steps, and the gateway's writer thread commits
 * every few milliseconds under load, so it would never finish. One step holds a single read transaction
 * instead; in WAL mode readers never block writers, so ingest goes on, and the only cost is that the
 * writer's checkpoints cannot pass that snapshot until the step ends (the WAL grows meanwhile).
 * @example const result = await backupStore("data/sealtrail.db", "/backups/sealtrail-2026-12-04.db")
 */
export async function backupStore(source: string, destination: string): Promise<BackupResult> {
  const started = performance.now();
  const from = resolve(source);
  const to = resolve(destination);
  if (!existsSync(from))
    throw new StoreBackupError(StoreBackupErrorCode.StoreNotFound, `no store at ${from}`, {
      details: { path: from },
    });
  // Checked first so an operator does not wait for a copy that could never be placed (placeFile checks again).
  if (existsSync(to))
    throw new StoreBackupError(StoreBackupErrorCode.DestinationExists, `${to} exists already`, {
      details: { path: to },
    });
  if (!existsSync(dirname(to))) throw ioFailed(to, new Error("the directory does not exist"));
  // Hidden and named for this process: a crashed backup's leftover is recognisable and never a `*.db`.
  const temp = join(dirname(to), `.${basename(to)}.partial-${process.pid}`);
  removeWithCompanions(temp);
  try {
    const snapshotAt = Date.now();
    const copyStarted = performance.now();
    await copyOnline(from, temp);
    const copyMs = performance.now() - copyStarted;
    // The copy carries the source's WAL flag; in DELETE mode it opens without a -wal or -shm beside it.
    const copy = new Database(temp, { fileMustExist: true });
    try {
      copy.pragma("journal_mode = DELETE");
    } finally {
      copy.close();
    }
    const checkStarted = performance.now();
    const summary = checkStoreFile(temp);
    const checkMs = performance.now() - checkStarted;
    // The copy holds what the store holds (private events, organisations' keys): readable by its owner only.
    chmodSync(temp, 0o600);
    placeFile(temp, to);
    return {
      ...summary,
      source: from,
      path: to,
      snapshotAt,
      copyMs,
      checkMs,
      totalMs: performance.now() - started,
    };
  } catch (error) {
    removeWithCompanions(temp);
    throw error;
  }
}

async function copyOnline(from: string, temp: string): Promise<void> {
  let db: Database.Database;
  try {
    // Read-only: the backup never writes the live store, and never runs its migrations.
    db = new Database(from, { readonly: true, fileMustExist: true });
  } catch (cause) {
    throw ioFailed(from, cause);
  }
  try {
    // better-sqlite3 makes a first step of 0 pages (it learns the page count), then asks the callback.
    await db.backup(temp, { progress: () => ALL_PAGES });
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    if (code === "SQLITE_NOTADB")
      throw new StoreBackupError(StoreBackupErrorCode.NotAStore, `${from} is not an SQLite database`, {
        cause,
        details: { path: from },
      });
    throw ioFailed(from, cause);
  } finally {
    db.close();
  }
}
