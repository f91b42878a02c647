import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "@jest/globals";
import { SqliteStore } from "./SqliteStore.ts";

const dirs: string[] = [];
function storePath(): string {
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-connection-"));
  dirs.push(dir);
  return join(dir, "store.db");
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// synchronous: 2 = FULL. Anything less (NORMAL: 1) may lose the last commits on power loss, and a PUBACK
// would then have promised a reading that is gone (invariant 1).
const DURABLE = { journalMode: "wal", synchronous: 2, busyTimeoutMs: 5000, foreignKeys: true };

describe("SqliteStore connections", () => {
  it("the writer thread's own connection (the one that commits readings) runs WAL with synchronous=FULL", async () => {
    const store = SqliteStore.open(storePath());
    const settings = await store.connectionSettings();
    expect(settings.writer).toEqual(DURABLE);
    await store.close();
  });

  it("the store's connection runs with the same settings as the writer thread's", async () => {
    const store = SqliteStore.open(storePath());
    const settings = await store.connectionSettings();
    expect(settings.store).toEqual(DURABLE);
    expect(settings.store).toEqual(settings.writer);
    await store.close();
  });

  it("without a writer thread there is one connection, and it is durable", async () => {
    const store = SqliteStore.open(storePath(), { writerThread: false });
    expect(await store.connectionSettings()).toEqual({ store: DURABLE });
    await store.close();
  });
});
