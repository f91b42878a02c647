import { closeSync, existsSync, fsyncSync, linkSync, openSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { StoreBackupError, StoreBackupErrorCode } from "./errors.ts";

/** SQLite's companions of a database file: a copy must never be paired with another file's. */
export const COMPANION_SUFFIXES = ["-wal", "-shm", "-journal"] as const;

/** Flushes a file (or, opened read-only, a directory's entries) to the disk. */
export function fsyncPath(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Gives the complete, fsync'd file `temp` the name `destination` in one step, never replacing a file
 * there, then makes the new name durable (fsync of the directory). A crash at any point leaves either
 * no `destination` or the whole file, never a part of it.
 *
 * link(2) fails with EEXIST rather than replacing, which rename(2) would do silently: two backups racing
 * for one name cannot clobber each other. Filesystems without hard links fall back to a checked rename.
 * @example placeFile("/backups/.store.db.partial-42", "/backups/store.db")
 */
export function placeFile(temp: string, destination: string): void {
  fsyncPath(temp);
  try {
    linkSync(temp, destination);
    rmSync(temp);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST")
      throw new StoreBackupError(StoreBackupErrorCode.DestinationExists, `${destination} exists already`, {
        details: { path: destination },
      });
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP") throw ioFailed(destination, error);
    if (existsSync(destination))
      throw new StoreBackupError(StoreBackupErrorCode.DestinationExists, `${destination} exists already`, {
        details: { path: destination },
      });
    try {
      renameSync(temp, destination);
    } catch (cause) {
      throw ioFailed(destination, cause);
    }
  }
  fsyncPath(dirname(destination));
}

/** Removes a temporary database file and whatever companions SQLite left beside it. */
export function removeWithCompanions(path: string): void {
  for (const suffix of ["", ...COMPANION_SUFFIXES]) rmSync(`${path}${suffix}`, { force: true });
}

export function ioFailed(path: string, cause: unknown): StoreBackupError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new StoreBackupError(StoreBackupErrorCode.IoFailed, `${path}: ${message}`, {
    cause,
    details: { path },
  });
}
