import { z } from "zod";
import { setting } from "../setting.ts";

/** What only `sealtrail demo` has: its local OP-stack chain and the interface its servers share. */
export const demoSection = z.strictObject({
  host: setting(
    z.string().min(1).default("127.0.0.1"),
    "Interface every demo server binds: the local chain, and MQTT and the API unless SEALTRAIL_MQTT_HOST or SEALTRAIL_HTTP_HOST say otherwise",
    { env: "SEALTRAIL_HOST" },
  ),
  rpcPort: setting(
    z.coerce.number().int().min(1).max(65535).default(8545),
    "JSON-RPC port of the demo's local L2 (hardhat node --chain-type op)",
    { env: "SEALTRAIL_RPC_PORT" },
  ),
  blockIntervalMs: setting(
    z.coerce.number().int().min(0).default(1000),
    "The local chain mines a block this often besides one per transaction, so confirmations accrue, ms; 0: only per transaction",
    { env: "SEALTRAIL_BLOCK_INTERVAL_MS" },
  ),
});

export type DemoSection = z.infer<typeof demoSection>;
