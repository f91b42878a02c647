import { chmodSync, existsSync, mkdirSync, renameSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import Database from "better-sqlite3";
import { checkStoreFile, type StoreFileSummary } from "./checkStoreFile.ts";
import { StoreBackupError, StoreBackupErrorCode } from "./errors.ts";
import { COMPANION_SUFFIXES, ioFailed, placeFile, removeWithCompanions } from "./placeFile.ts";

export type RestoreOptions = {
  /**
   * Move a store that is where the restore goes aside (to `<store>.replaced-<time>`) instead of refusing.
   * A store that any connection has open is refused all the same.
   */
  replace?: boolean;
  now?: () => number;
};

/** A finished restore: what the store now holds and where a replaced store went. */
export type RestoreResult = StoreFileSummary & {
  backup: string;
  path: string;
  /** Where the store that was there before now is (its companions beside it); null when there was none. */
  replacedTo: string | null;
  totalMs: number;
};

/**
 * Puts the backup `backup` in place as the store at `store`. The backup is copied beside the store under a
 * temporary name (through SQLite, so a backup in WAL mode comes with its WAL), the copy is proven whole
 * (`PRAGMA integrity_check`, a schema this build knows), and only then does anything that is there change:
 * without `replace` an existing store (or a lone -wal/-shm/-journal of one) is refused, with it the store is
 * moved aside, never deleted, and refused if any connection has it open.
 *
 * Whether a store is open is asked of SQLite itself: leaving WAL mode needs the only connection to the
 * file, so `journal_mode = DELETE` fails with SQLITE_BUSY while a gateway, an API or a backup holds it,
 * in this process or another. A store nobody holds is folded into one file by the same step (its WAL
 * checkpointed), so what is moved aside is complete.
 *
 * A stale -wal must never sit beside the restored file: SQLite would replay another database's frames into
 * it. That is why lone companions count as a store here.
 * @example restoreStore("/backups/sealtrail-2026-12-04.db", "data/sealtrail.db")
 */
export async function restoreStore(
  backup: string,
  store: string,
  options: RestoreOptions = {},
): Promise<RestoreResult> {
  const started = performance.now();
  const from = resolve(backup);
  const to = resolve(store);
  if (!existsSync(from))
    throw new StoreBackupError(StoreBackupErrorCode.StoreNotFound, `no backup at ${from}`, {
      details: { path: from },
    });
  const present = () => ["", ...COMPANION_SUFFIXES].map((s) => `${to}${s}`).filter((p) => existsSync(p));
  const there = present();
  if (there.length > 0 && !options.replace)
    throw new StoreBackupError(
      StoreBackupErrorCode.StoreExists,
      `a store is at ${to} (${there.map((p) => basename(p)).join(", ")}): restore with --replace (it is moved aside) or to another path`,
      { details: { path: to, files: there } },
    );
  try {
    mkdirSync(dirname(to), { recursive: true, mode: 0o700 });
  } catch (cause) {
    throw ioFailed(to, cause);
  }
  const temp = join(dirname(to), `.${basename(to)}.restoring-${process.pid}`);
  removeWithCompanions(temp);
  try {
    await copyThroughSqlite(from, temp);
    const summary = checkStoreFile(temp);
    chmodSync(temp, 0o600);
    const replacedTo = present().length > 0 ? moveAside(to, (options.now ?? Date.now)()) : null;
    placeFile(temp, to);
    return { ...summary, backup: from, path: to, replacedTo, totalMs: performance.now() - started };
  } catch (error) {
    removeWithCompanions(temp);
    throw error;
  }
}

async function copyThroughSqlite(from: string, temp: string): Promise<void> {
  let db: Database.Database;
  try {
    db = new Database(from, { readonly: true, fileMustExist: true });
  } catch (cause) {
    throw ioFailed(from, cause);
  }
  try {
    await db.backup(temp, { progress: () => 0x7fffffff });
  } catch (cause) {
    if ((cause as { code?: string }).code === "SQLITE_NOTADB")
      throw new StoreBackupError(StoreBackupErrorCode.NotAStore, `${from} is not an SQLite database`, {
        cause,
        details: { path: from },
      });
    throw ioFailed(from, cause);
  } finally {
    db.close();
  }
  const copy = new Database(temp, { fileMustExist: true });
  try {
    copy.pragma("journal_mode = DELETE");
  } finally {
    copy.close();
  }
}

/** Refuses a store some connection holds; otherwise folds its WAL in and renames it (and companions) aside. */
function moveAside(path: string, now: number): string {
  if (existsSync(path)) {
    let probe: Database.Database | undefined;
    try {
      probe = new Database(path, { fileMustExist: true });
      // No waiting: a connection that holds the store now will not let go because we wait.
      probe.pragma("busy_timeout = 0");
      const mode = probe.pragma("journal_mode = DELETE", { simple: true });
      if (mode !== "delete")
        throw Object.assign(new Error(`journal mode stayed ${String(mode)}`), { code: "SQLITE_BUSY" });
    } catch (cause) {
      const code = (cause as { code?: string }).code ?? "";
      if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"))
        throw new StoreBackupError(
          StoreBackupErrorCode.StoreInUse,
          `the store at ${path} is open in another connection (a running gateway, API or backup): stop it first`,
          { cause, details: { path } },
        );
      throw ioFailed(path, cause);
    } finally {
      probe?.close();
    }
  }
  const aside = `${path}.replaced-${new Date(now).toISOString().replace(/[:.]/g, "-")}`;
  try {
    for (const suffix of ["", ...COMPANION_SUFFIXES])
      if (existsSync(`${path}${suffix}`)) renameSync(`${path}${suffix}`, `${aside}${suffix}`);
  } catch (cause) {
    throw ioFailed(path, cause);
  }
  return aside;
}
