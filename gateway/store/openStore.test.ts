import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import { openStore } from "./openStore.ts";
import { SqliteStore } from "./sqlite/SqliteStore.ts";

const dir = mkdtempSync(join(tmpdir(), "sealtrail-open-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("openStore", () => {
  it("opens the SQLite file when the store is sqlite, whatever the MongoDB key says", async () => {
    const store = await openStore({
      kind: "sqlite",
      mongoUrl: "mongodb://unused:27017/x",
      sqlitePath: join(dir, "store.db"),
    });
    expect(store).toBeInstanceOf(SqliteStore);
    await store.close();
  });
});
