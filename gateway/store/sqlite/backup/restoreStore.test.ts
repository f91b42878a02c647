import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "@jest/globals";
import Database from "better-sqlite3";
import { SqliteStore } from "../SqliteStore.ts";
import { backupStore } from "./backupStore.ts";
import { checkStoreFile } from "./checkStoreFile.ts";
import { isStoreBackupError, StoreBackupErrorCode } from "./errors.ts";
import { restoreStore } from "./restoreStore.ts";
import { DEVICE, junkReadings, storeWith, tempDirs } from "./testStores.ts";

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isStoreBackupError(error)).toBe(true);
  return error as { code: string; message: string };
};

/** A folder with `backup.db` holding `count` readings (and no store). */
async function withBackup(count: number): Promise<string> {
  const dir = dirs.make();
  const store = await storeWith(dir, count, "source.db");
  await backupStore(join(dir, "source.db"), join(dir, "backup.db"));
  await store.close();
  return dir;
}

describe("restoreStore", () => {
  it("puts a backup where no store is; the gateway's store opens it with every reading", async () => {
    const dir = await withBackup(40);
    const result = await restoreStore(join(dir, "backup.db"), join(dir, "data", "sealtrail.db"));
    expect(result).toMatchObject({ readings: 40, replacedTo: null });
    const store = SqliteStore.open(join(dir, "data", "sealtrail.db"));
    try {
      expect((await store.listMessages({ device: DEVICE, limit: 100 })).messages.length).toBe(40);
    } finally {
      await store.close();
    }
    expect(readdirSync(join(dir, "data"))).toEqual(["sealtrail.db"]);
  });

  it("refuses to restore over a store, or over a lone -wal that SQLite would replay into the copy, without replace", async () => {
    const dir = await withBackup(5);
    writeFileSync(join(dir, "live.db"), "the store");
    expect((await refusal(restoreStore(join(dir, "backup.db"), join(dir, "live.db")))).code).toBe(
      StoreBackupErrorCode.StoreExists,
    );
    expect(readFileSync(join(dir, "live.db"), "utf8")).toBe("the store");
    writeFileSync(join(dir, "lone.db-wal"), "frames of another database");
    const error = await refusal(restoreStore(join(dir, "backup.db"), join(dir, "lone.db")));
    expect(error).toMatchObject({ code: StoreBackupErrorCode.StoreExists, message: /lone\.db-wal/ });
    expect(existsSync(join(dir, "lone.db"))).toBe(false);
  });

  it("When a gateway has the store open, then even replace is refused and both files stay as they were", async () => {
    const dir = await withBackup(5);
    const running = await storeWith(dir, 30, "live.db");
    try {
      const error = await refusal(
        restoreStore(join(dir, "backup.db"), join(dir, "live.db"), { replace: true }),
      );
      expect(error.code).toBe(StoreBackupErrorCode.StoreInUse);
      // Still the running gateway's store, still writable by it.
      await Promise.all(junkReadings(31, 5).map((m) => running.insertMessage(m)));
      expect((await running.listMessages({ device: DEVICE, limit: 100 })).messages.length).toBe(35);
    } finally {
      await running.close();
    }
    expect(readdirSync(dir).sort()).toEqual(["backup.db", "live.db", "source.db"]);
  });

  it("With replace and the store closed, moves it aside whole (a crashed store's WAL folded in) and puts the backup in place", async () => {
    const dir = await withBackup(5);
    // What kill -9 leaves: the file and its WAL as they are on disk while the gateway runs. 30 readings are
    // fewer than the writer's checkpoint interval, so they are in the WAL only.
    const running = await storeWith(dir, 30, "running.db");
    copyFileSync(join(dir, "running.db"), join(dir, "live.db"));
    copyFileSync(join(dir, "running.db-wal"), join(dir, "live.db-wal"));
    await running.close();
    rmSync(join(dir, "running.db"));
    const result = await restoreStore(join(dir, "backup.db"), join(dir, "live.db"), {
      replace: true,
      now: () => Date.parse("2026-12-04T10:00:00Z"),
    });
    expect(result.replacedTo).toBe(join(dir, "live.db.replaced-2026-12-04T10-00-00-000Z"));
    expect(checkStoreFile(join(dir, "live.db")).readings).toBe(5);
    expect(checkStoreFile(result.replacedTo!).readings).toBe(30);
    expect(readdirSync(dir).sort()).toEqual([
      "backup.db",
      "live.db",
      "live.db.replaced-2026-12-04T10-00-00-000Z",
      "source.db",
    ]);
  });

  it("refuses a backup that fails integrity_check and leaves the store there untouched", async () => {
    const dir = await withBackup(200);
    const db = new Database(join(dir, "backup.db"));
    db.unsafeMode(true);
    db.pragma("writable_schema = ON");
    db.prepare("UPDATE sqlite_schema SET sql = ? WHERE name = 'messages_received_at'").run(
      "CREATE INDEX messages_received_at ON messages (device_ts)",
    );
    db.close();
    writeFileSync(join(dir, "live.db"), "the store");
    const error = await refusal(
      restoreStore(join(dir, "backup.db"), join(dir, "live.db"), { replace: true }),
    );
    expect(error.code).toBe(StoreBackupErrorCode.IntegrityCheckFailed);
    expect(readFileSync(join(dir, "live.db"), "utf8")).toBe("the store");
    expect(readdirSync(dir).sort()).toEqual(["backup.db", "live.db", "source.db"]);
  });
});
