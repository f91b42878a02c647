// Backup and restore of the SQLite store (docs/operations.md, "Backup and restore").
export { type BackupResult, backupStore } from "./backupStore.ts";
export { checkStoreFile, type StoreFileSummary } from "./checkStoreFile.ts";
export { isStoreBackupError, StoreBackupError, StoreBackupErrorCode } from "./errors.ts";
export { type RestoreOptions, type RestoreResult, restoreStore } from "./restoreStore.ts";
