import Database from "better-sqlite3";

/** The settings every connection to a store file runs with, as SQLite reports them back. */
export type ConnectionSettings = {
  journalMode: string;
  /** 2 is FULL: the WAL is fsync'd at every commit, so a commit survives power loss (invariant 1). */
  synchronous: number;
  busyTimeoutMs: number;
  foreignKeys: boolean;
};

/**
 * Opens one connection to a store file with the settings that make a commit durable: WAL with
 * synchronous=FULL. Every connection that writes goes through here (SqliteStore's and its writer thread's),
 * so the two can never disagree on durability; openConnection.test.ts reads the settings back from both.
 * The schema is the store's (migrateSchema, on its connection, opened first); this module imports nothing
 * else, so the writer thread starts without loading the rest of the gateway.
 * @example const db = migrateSchema(openConnection("/var/lib/sealtrail/sealtrail.db"))
 */
export function openConnection(path: string): Database.Database {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  // Two connections write to the file: the other's commit is waited for instead of failing at once.
  db.pragma("busy_timeout = 5000");
  return db;
}

/** What SQLite says this connection runs with. */
export function readConnectionSettings(db: Database.Database): ConnectionSettings {
  return {
    journalMode: String(db.pragma("journal_mode", { simple: true })),
    synchronous: Number(db.pragma("synchronous", { simple: true })),
    busyTimeoutMs: Number(db.pragma("busy_timeout", { simple: true })),
    foreignKeys: Number(db.pragma("foreign_keys", { simple: true })) === 1,
  };
}
