import type Database from "better-sqlite3";
import { invariant, SealtrailError } from "#protocol";
import {
  MESSAGES_REBUILDS,
  MIGRATIONS,
  READINGS_BY_DEVICE_SQL,
  SCHEMA_SQL,
  SCHEMA_VERSION,
} from "./schema.ts";

/**
 * Creates the schema in a new store file or migrates an older one step by step; refuses a file written by
 * a newer build (STORE_SCHEMA_TOO_NEW, the connection closed). Returns the connection.
 * @example const db = migrateSchema(openConnection(path))
 */
export function migrateSchema(db: Database.Database): Database.Database {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new SealtrailError(
      "STORE_SCHEMA_TOO_NEW",
      `store file has schema ${version}, this build knows ${SCHEMA_VERSION}`,
    );
  }
  db.transaction(() => {
    db.exec(SCHEMA_SQL);
    // A messages table that has schema 8's columns in an older file was made just now by SCHEMA_SQL (the
    // file had none): the steps that rebuild an older one have nothing to rebuild.
    const messagesCurrent =
      db.prepare("SELECT 1 FROM pragma_table_info('messages') WHERE name = 'signer'").get() !== undefined;
    // A file with no version is new (SCHEMA_SQL made it current); an older one is migrated step by step.
    for (let v = version === 0 ? SCHEMA_VERSION + 1 : version + 1; v <= SCHEMA_VERSION; v++) {
      if (messagesCurrent && MESSAGES_REBUILDS.includes(v)) continue;
      const migration = MIGRATIONS[v];
      invariant(migration !== undefined, `no migration to store schema ${v}`);
      db.exec(migration);
    }
    // After the migrations: a file older than schema 8 has no `signer` column until migration 8.
    db.exec(READINGS_BY_DEVICE_SQL);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
  return db;
}
