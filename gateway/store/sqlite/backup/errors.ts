import { SealtrailError, type SealtrailErrorOptions } from "#protocol";

/** Why a backup or a restore of the SQLite store stopped. Each leaves the destination untouched. */
export const StoreBackupErrorCode = {
  /** The store file to back up does not exist. */
  StoreNotFound: "STORE_NOT_FOUND",
  /** The file is not a Sealtrail store (not SQLite, or no `messages` table, or no schema version). */
  NotAStore: "NOT_A_STORE",
  /** The file has a newer store schema than this build knows: restore it with the build that wrote it. */
  SchemaTooNew: "STORE_SCHEMA_TOO_NEW",
  /** `PRAGMA integrity_check` found problems in the copy (or in the backup given to restore). */
  IntegrityCheckFailed: "INTEGRITY_CHECK_FAILED",
  /** The backup's destination exists already; a backup never overwrites a file. */
  DestinationExists: "DESTINATION_EXISTS",
  /** A store (or a -wal, -shm or -journal of one) is where the restore would go, and replacing it was not asked for. */
  StoreExists: "STORE_EXISTS",
  /** The store to replace is open in another connection (a running gateway or API): stop them first. */
  StoreInUse: "STORE_IN_USE",
  /** Reading or writing a file failed (disk full, permissions, missing directory). */
  IoFailed: "IO_FAILED",
} as const;
export type StoreBackupErrorCode = (typeof StoreBackupErrorCode)[keyof typeof StoreBackupErrorCode];

/** A backup or restore refused or failed; `details` names the files involved. */
export class StoreBackupError extends SealtrailError {
  override name = "StoreBackupError";
  declare readonly code: StoreBackupErrorCode;

  constructor(code: StoreBackupErrorCode, shortMessage: string, options: SealtrailErrorOptions = {}) {
    super(code, shortMessage, options);
  }
}

/** True when `error` is a {@link StoreBackupError}, optionally with the given code. */
export function isStoreBackupError(error: unknown, code?: StoreBackupErrorCode): error is StoreBackupError {
  return error instanceof StoreBackupError && (code === undefined || error.code === code);
}
