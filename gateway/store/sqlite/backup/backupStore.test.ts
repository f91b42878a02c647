import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "@jest/globals";
import Database from "better-sqlite3";
import { SqliteStore } from "../SqliteStore.ts";
import { backupStore } from "./backupStore.ts";
import { isStoreBackupError, StoreBackupErrorCode } from "./errors.ts";
import { DEVICE, junkReadings, storeWith, tempDirs } from "./testStores.ts";

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const seqsOf = (path: string): number[] => {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .prepare(
        "SELECT seq FROM messages WHERE signer = (SELECT k FROM signers WHERE address = ?) ORDER BY seq",
      )
      .pluck()
      .all(DEVICE) as number[];
  } finally {
    db.close();
  }
};

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isStoreBackupError(error)).toBe(true);
  return error as { code: string; message: string };
};

describe("backupStore", () => {
  it("When the writer thread commits readings all through the backup, then the copy is one snapshot: a gap-free prefix of them, and the store takes every reading", async () => {
    const dir = dirs.make();
    const store = await storeWith(dir, 3_000);
    try {
      // Groups of 200 committed one after the other on the writer thread, before, during and after the
      // backup (which holds this thread for its single step).
      let next = 3_001;
      let writing = true;
      const writer = (async () => {
        while (writing || next < 6_001) {
          const group = junkReadings(next, 200);
          next += 200;
          await Promise.all(group.map((m) => store.insertMessage(m)));
        }
      })();
      await new Promise((r) => setTimeout(r, 20));
      const result = await backupStore(join(dir, "store.db"), join(dir, "backup.db"));
      writing = false;
      await writer;

      const copied = seqsOf(join(dir, "backup.db"));
      expect(copied.length).toBe(result.readings);
      expect(result.readings).toBeGreaterThanOrEqual(3_000);
      expect(copied).toEqual(Array.from({ length: copied.length }, (_, i) => i + 1));
      expect(seqsOf(join(dir, "store.db")).length).toBe(next - 1);
      expect(result).toMatchObject({ events: 0, batches: 0, schemaVersion: expect.any(Number) });
      // One self-contained file: no -wal or -shm beside it, no temporary left.
      expect(readdirSync(dir).sort()).toEqual(["backup.db", "store.db", "store.db-shm", "store.db-wal"]);
      const copy = new Database(join(dir, "backup.db"), { readonly: true });
      expect(copy.pragma("journal_mode", { simple: true })).toBe("delete");
      copy.close();
      expect(statSync(join(dir, "backup.db")).mode & 0o777).toBe(0o600);
    } finally {
      await store.close();
    }
  });

  it("refuses to overwrite an existing file and leaves it as it was", async () => {
    const dir = dirs.make();
    const store = await storeWith(dir, 10);
    await store.close();
    writeFileSync(join(dir, "backup.db"), "an older backup");
    const error = await refusal(backupStore(join(dir, "store.db"), join(dir, "backup.db")));
    expect(error.code).toBe(StoreBackupErrorCode.DestinationExists);
    expect(readFileSync(join(dir, "backup.db"), "utf8")).toBe("an older backup");
  });

  it("refuses a missing store, a file that is not SQLite and an SQLite file that is not a store", async () => {
    const dir = dirs.make();
    expect((await refusal(backupStore(join(dir, "none.db"), join(dir, "a.db")))).code).toBe(
      StoreBackupErrorCode.StoreNotFound,
    );
    writeFileSync(
      join(dir, "text.db"),
      "not a database at all, but long enough to look like a header".repeat(20),
    );
    expect((await refusal(backupStore(join(dir, "text.db"), join(dir, "b.db")))).code).toBe(
      StoreBackupErrorCode.NotAStore,
    );
    const other = new Database(join(dir, "other.db"));
    other.exec("CREATE TABLE notes (text TEXT)");
    other.close();
    expect((await refusal(backupStore(join(dir, "other.db"), join(dir, "c.db")))).code).toBe(
      StoreBackupErrorCode.NotAStore,
    );
    expect(readdirSync(dir).sort()).toEqual(["other.db", "text.db"]);
  });

  it("When the copy fails integrity_check (an index that disagrees with its table), then no backup is named and no temporary is left", async () => {
    const dir = dirs.make();
    const store = await storeWith(dir, 500);
    await store.close();
    // The index on received_at is declared over device_ts instead: every entry now disagrees with its row.
    const db = new Database(join(dir, "store.db"));
    db.unsafeMode(true);
    db.pragma("writable_schema = ON");
    db.prepare("UPDATE sqlite_schema SET sql = ? WHERE name = 'messages_received_at'").run(
      "CREATE INDEX messages_received_at ON messages (device_ts)",
    );
    db.close();
    const error = await refusal(backupStore(join(dir, "store.db"), join(dir, "backup.db")));
    expect(error.code).toBe(StoreBackupErrorCode.IntegrityCheckFailed);
    expect(error.message).toMatch(/messages_received_at/);
    expect(existsSync(join(dir, "backup.db"))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes("partial"))).toEqual([]);
  });

  it("a backup opens as a store with every message (SqliteStore takes it back to WAL)", async () => {
    const dir = dirs.make();
    const store = await storeWith(dir, 50);
    await backupStore(join(dir, "store.db"), join(dir, "backup.db"));
    await store.close();
    const copy = SqliteStore.open(join(dir, "backup.db"), { writerThread: false });
    try {
      expect((await copy.listMessages({ device: DEVICE, limit: 100 })).messages.length).toBe(50);
    } finally {
      await copy.close();
    }
  });
});
