import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { listSettings } from "./listSettings.ts";
import { renderConfigDocs } from "./renderConfigDocs.ts";

describe("docs/configuration.md", () => {
  it("is what `npm run docs:config` writes from the schema (run it and commit the file when this fails)", () => {
    const committed = readFileSync(new URL("../docs/configuration.md", import.meta.url), "utf8");
    expect(committed).toBe(renderConfigDocs());
  });

  it("lists every key with its variable, and no variable twice", () => {
    const settings = listSettings();
    const doc = renderConfigDocs();
    for (const s of settings) expect(doc).toContain(`| \`${s.path}\` | \`${s.env}\` |`);
    const envs = settings.map((s) => s.env);
    expect(new Set(envs).size).toBe(envs.length);
  });

  it("keeps every variable that README.md and docs/operations.md named before the one schema", () => {
    const before = [
      // README's demo table
      "SEALTRAIL_HTTP_PORT",
      "SEALTRAIL_MQTT_PORT",
      "SEALTRAIL_RPC_PORT",
      "SEALTRAIL_DATA_DIR",
      "SEALTRAIL_ADMIN_TOKEN",
      "SEALTRAIL_HOST",
      "SEALTRAIL_BATCH_MAX_SIZE",
      "SEALTRAIL_BATCH_MAX_AGE_MS",
      "SEALTRAIL_FINALITY_DEPTH",
      "SEALTRAIL_SIM",
      "SEALTRAIL_SIM_SCENARIO",
      "SEALTRAIL_LOG_LEVEL",
      // docs/operations.md's gateway table
      "SEALTRAIL_GATEWAY_MODE",
      "SEALTRAIL_MQTT_HOST",
      "SEALTRAIL_MAX_MESSAGE_BYTES",
      "SEALTRAIL_PACKET_OVERHEAD_BYTES",
      "SEALTRAIL_CONNECT_TIMEOUT_MS",
      "SEALTRAIL_MAX_TOPIC_LEVELS",
      "SEALTRAIL_MAX_FUTURE_SKEW_MS",
      "SEALTRAIL_TOKEN_MAX_SKEW_S",
      "SEALTRAIL_DEVICE_RATE",
      "SEALTRAIL_DEVICE_BURST",
      "SEALTRAIL_CONNECT_RATE_PER_IP",
      "SEALTRAIL_CONNECT_BURST_PER_IP",
      "SEALTRAIL_VERIFIER",
      "SEALTRAIL_SECP256K1",
      "SEALTRAIL_VERIFY_POOL_SIZE",
      "SEALTRAIL_VERIFY_BATCH_MAX",
      "SEALTRAIL_REVOCATION_POLL_MS",
      "SEALTRAIL_EXTERNAL_BROKER_URL",
      "SEALTRAIL_EXTERNAL_CLIENT_ID",
      "SEALTRAIL_EXTERNAL_CONNECTIONS",
      "SEALTRAIL_EXTERNAL_SHARE_GROUP",
      "SEALTRAIL_EXTERNAL_USERNAME",
      "SEALTRAIL_EXTERNAL_PASSWORD",
      "SEALTRAIL_GROUP_COMMIT_MS",
    ];
    const envs = new Set(listSettings().map((s) => s.env));
    expect(before.filter((name) => !envs.has(name))).toEqual([]);
  });
});
