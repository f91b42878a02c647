import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ReadinessCheck } from "#api";
import type { CommonSection, StoreSection } from "#config";
import { type EventStore, openStore, type RegistryOutbox, type Store } from "#gateway";

/** The store file inside the data dir; the demo, the gateway and the API open the same one. */
export const STORE_FILE = "sealtrail.db";

/**
 * Opens the configured store (`store.kind`: the data dir's SQLite file, or the MongoDB replica set at
 * `store.mongoUrl`) with a readiness probe: an indexed lookup through the store. The data dir is created
 * (mode 0700) either way: the admin token and the attester key live there whichever store holds the data.
 * @example const { store, dataDir } = await openServiceStore(config.common, config.store)
 */
export async function openServiceStore(
  common: CommonSection,
  settings: StoreSection,
  groupCommitMs?: number,
): Promise<{
  store: Store & EventStore & RegistryOutbox;
  dataDir: string;
  check: ReadinessCheck;
}> {
  const dataDir = resolve(common.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const store = await openStore({
    kind: settings.kind,
    mongoUrl: settings.mongoUrl,
    sqlitePath: join(dataDir, STORE_FILE),
    ...(groupCommitMs === undefined ? {} : { groupCommitMs }),
  });
  return {
    store,
    dataDir,
    check: { name: "store", probe: async () => void (await store.getMessage(`0x${"00".repeat(32)}`)) },
  };
}
