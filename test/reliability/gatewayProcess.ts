// A gateway as its own process, for tests that kill it: configured from SEALTRAIL_* environment variables,
// storing in the SQLite file SEALTRAIL_TEST_DB, with the devices of SEALTRAIL_TEST_DEVICES (JSON array of
// compressed public keys, hex) registered. Prints `READY <port>` once it listens (embedded mode) or its
// sessions are subscribed (external mode). Stops cleanly on SIGTERM.
import { Gateway, gatewayConfigFromEnv, SqliteStore } from "#gateway";
import { hexToBytes } from "#protocol";

const dbPath = process.env.SEALTRAIL_TEST_DB;
if (!dbPath) throw new Error("SEALTRAIL_TEST_DB is required");
const store = SqliteStore.open(dbPath);
const gateway = new Gateway({ config: gatewayConfigFromEnv(), store, anchorChains: [] });
const keys = JSON.parse(process.env.SEALTRAIL_TEST_DEVICES ?? "[]") as `0x${string}`[];
for (const key of keys) await gateway.registry.register(hexToBytes(key), "test device");
await gateway.start();
process.stdout.write(`READY ${gateway.broker ? gateway.mqttPort : 0}\n`);
process.once("SIGTERM", async () => {
  await gateway.close();
  await store.close();
  process.exit(0);
});
