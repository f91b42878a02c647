import { statSync } from "node:fs";
import Database from "better-sqlite3";

export type StoreSize = {
  /** Rows in `messages` (readings and anything else the gateway stored). */
  messages: number;
  /** Main file plus WAL after a TRUNCATE checkpoint, bytes. */
  fileBytes: number;
  walBytes: number;
  bytesPerMessage: number | null;
  /** Bytes per table and index (SQLite's dbstat), largest first: where the bytes of a reading go. */
  objects: { name: string; bytes: number }[];
};

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * What a store costs on disk per stored message, indexes included. Runs after the gateway closed its
 * connections: a TRUNCATE checkpoint first, so that the WAL's pages are counted once, in the file.
 * @example measureStoreSize("/tmp/x.db").bytesPerMessage // 630 for the demo store of issue #15
 */
export function measureStoreSize(path: string): StoreSize {
  const db = new Database(path);
  try {
    db.pragma("wal_checkpoint(TRUNCATE)");
    const messages = db.prepare("SELECT count(*) FROM messages").pluck().get() as number;
    let objects: StoreSize["objects"] = [];
    try {
      objects = db
        .prepare("SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC")
        .all() as StoreSize["objects"];
    } catch {
      // dbstat is a compile-time option of SQLite; without it only the totals are reported.
    }
    const fileBytes = sizeOf(path);
    const walBytes = sizeOf(`${path}-wal`);
    return {
      messages,
      fileBytes,
      walBytes,
      bytesPerMessage: messages > 0 ? Math.round((fileBytes + walBytes) / messages) : null,
      objects,
    };
  } finally {
    db.close();
  }
}
