import { statSync } from "node:fs";
import Database from "better-sqlite3";

export type StoreSize = {
  /** Rows in `messages` (readings and anything else the gateway stored). */
  messages: number;
  /** Main file plus WAL after a TRUNCATE checkpoint, bytes. */
  fileBytes: number;
  walBytes: number;
  bytesPerMessage: number | null;
  /**
   * The `messages` table and its indexes alone, per message: what each further reading adds (the rest of
   * the file is a fixed cost of the schema, which dominates a small store).
   */
  messagesTableBytesPerMessage: number | null;
  /** The largest tables and indexes (SQLite's dbstat), bytes: where the bytes of a reading go. */
  objects: { name: string; table: string; bytes: number }[];
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
        .prepare(
          `SELECT d.name AS name, s.tbl_name AS "table", sum(d.pgsize) AS bytes
           FROM dbstat d JOIN sqlite_schema s ON s.name = d.name
           GROUP BY d.name ORDER BY bytes DESC`,
        )
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
      messagesTableBytesPerMessage:
        messages > 0
          ? Math.round(
              objects.filter((o) => o.table === "messages").reduce((sum, o) => sum + o.bytes, 0) / messages,
            )
          : null,
      objects: objects.slice(0, 8),
    };
  } finally {
    db.close();
  }
}
