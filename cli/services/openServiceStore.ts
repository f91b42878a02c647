import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ReadinessCheck } from "#api";
import type { CommonSection } from "#config";
import { SqliteStore } from "#gateway";

/** The store file inside the data dir; the demo, the gateway and the API open the same one. */
export const STORE_FILE = "sealtrail.db";

/**
 * Opens the data dir's store (creating the dir, mode 0700, and the file) with a readiness probe: an
 * indexed lookup on the store's connection.
 * @example const { store, dataDir } = openServiceStore(config.common)
 */
export function openServiceStore(common: CommonSection): {
  store: SqliteStore;
  dataDir: string;
  check: ReadinessCheck;
} {
  const dataDir = resolve(common.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const store = SqliteStore.open(join(dataDir, STORE_FILE));
  return {
    store,
    dataDir,
    check: { name: "store", probe: async () => void (await store.getMessage(`0x${"00".repeat(32)}`)) },
  };
}
