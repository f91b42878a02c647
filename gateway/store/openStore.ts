import type { EventStore } from "./eventTypes.ts";
import type { RegistryOutbox } from "./registryOutboxTypes.ts";
import { SqliteStore } from "./sqlite/SqliteStore.ts";
import type { Store } from "./types.ts";

/** The `store` section of the configuration (config/sections/store.ts), and where a SQLite file goes. */
export type StoreSettings = {
  kind: "sqlite" | "mongodb";
  mongoUrl: string;
  sqlitePath: string;
  /** The gateway's group-commit window (gateway.groupCommitMs); the stores' default when absent. */
  groupCommitMs?: number;
};

/**
 * Opens the configured store. MongoDB's module (mongoose and the driver) is loaded only when it is the one
 * configured: every command of the CLI imports the gateway, and most never touch MongoDB.
 * @example const store = await openStore({ kind: config.store.kind, mongoUrl: config.store.mongoUrl, sqlitePath: join(config.common.dataDir, "sealtrail.db") })
 */
export async function openStore(settings: StoreSettings): Promise<Store & EventStore & RegistryOutbox> {
  const options = settings.groupCommitMs === undefined ? {} : { groupCommitMs: settings.groupCommitMs };
  if (settings.kind === "sqlite") return SqliteStore.open(settings.sqlitePath, options);
  const { MongoStore } = await import("./mongo/MongoStore.ts");
  return MongoStore.open(settings.mongoUrl, options);
}
