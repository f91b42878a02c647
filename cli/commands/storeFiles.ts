import { join, resolve } from "node:path";
import { loadConfig } from "#config";

/**
 * The store file the gateway and the API use: `<common.dataDir>/sealtrail.db`, as `sealtrail demo` opens
 * it. `sealtrail backup` and `restore` take it from the configuration so that an operator names the same
 * file the services use without spelling it out (a ConfigError names a bad key).
 */
export function configuredStorePath(configFile: string | undefined): string {
  const { config } = loadConfig({ env: process.env, file: configFile, profile: "service" });
  return join(resolve(config.common.dataDir), "sealtrail.db");
}

/** One line of what a store file holds, for backup and restore output. */
export function describeStoreSummary(r: {
  readings: number;
  events: number;
  batches: number;
  bytes: number;
  schemaVersion: number;
  lastReceivedAt: number | null;
}): string {
  const last = r.lastReceivedAt === null ? "none" : new Date(r.lastReceivedAt).toISOString();
  return `${r.readings} readings, ${r.events} events, ${r.batches} batches, ${(r.bytes / 2 ** 20).toFixed(1)} MiB, schema ${r.schemaVersion}, last message received ${last}`;
}
