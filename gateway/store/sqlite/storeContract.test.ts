import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeStoreContract } from "../contract/storeContract.ts";
import { SqliteStore } from "./SqliteStore.ts";

// The embedded store against the contract every store keeps, on a real file (writer thread included).
describeStoreContract("SqliteStore", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-contract-"));
  const store = SqliteStore.open(join(dir, "store.db"));
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
