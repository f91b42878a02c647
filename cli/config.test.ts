import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "@jest/globals";
import { main } from "./main.ts";
import { captureIo } from "./testing/index.ts";

const dir = mkdtempSync(join(tmpdir(), "sealtrail-config-cli-"));
const saved = { ...process.env };

/** Runs `sealtrail config …` in-process with these variables set (and every other SEALTRAIL_* unset). */
async function sealtrailConfig(env: Record<string, string>, ...argv: string[]) {
  for (const name of Object.keys(process.env)) if (name.startsWith("SEALTRAIL_")) delete process.env[name];
  Object.assign(process.env, env);
  const io = captureIo();
  const code = await main(["config", ...argv], io);
  return { code, out: io.out(), err: io.err() };
}

afterEach(() => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRETS = {
  SEALTRAIL_ADMIN_TOKEN: "admin-SECRET-token-0123456789",
  SEALTRAIL_ANCHORER_KEY: `0x${"5e".repeat(32)}`,
  SEALTRAIL_EXTERNAL_PASSWORD: "broker-SECRET",
  SEALTRAIL_ANCHOR_TARGETS: JSON.stringify([
    {
      rpcUrl: "https://base-sepolia.g.alchemy.com/v2/KEY-SECRET",
      chainId: 84532,
      contract: `0x${"ab".repeat(20)}`,
    },
  ]),
};

describe("sealtrail config", () => {
  it("prints every key with its value, variable and origin, secrets redacted", async () => {
    const { code, out } = await sealtrailConfig({ ...SECRETS, SEALTRAIL_BATCH_MAX_SIZE: "250" }, "--demo");
    expect(code).toBe(0);
    expect(out).toMatch(/^# sealtrail demo configuration/);
    expect(out).toMatch(/^gateway\.batchMaxSize +250 +# SEALTRAIL_BATCH_MAX_SIZE, env$/m);
    expect(out).toMatch(/^anchoring\.finalityDepth +3 +# SEALTRAIL_FINALITY_DEPTH, demo$/m);
    expect(out).toMatch(/^api\.adminToken +"\[redacted\]"/m);
    expect(out).toContain("https://base-sepolia.g.alchemy.com/…");
    expect(out).not.toMatch(/SECRET|5e5e5e/);
  });

  it("--json prints the redacted configuration as JSON, and reads --config files under the environment", async () => {
    const file = join(dir, "sealtrail.yaml");
    writeFileSync(file, "gateway:\n  batchMaxSize: 123\n  groupCommitMs: 5\n");
    const { code, out } = await sealtrailConfig(
      { ...SECRETS, SEALTRAIL_GROUP_COMMIT_MS: "7" },
      "--json",
      "--config",
      file,
    );
    expect(code).toBe(0);
    const printed = JSON.parse(out);
    expect(printed.gateway).toMatchObject({ batchMaxSize: 123, groupCommitMs: 7 });
    expect(printed.api.adminToken).toBe("[redacted]");
    expect(printed.anchoring.anchorerKey).toBe("[redacted]");
    expect(out).not.toMatch(/SECRET|5e5e5e/);
  });

  it("exits 1 naming the key and its variable when a value is invalid, without echoing secrets", async () => {
    const { code, out, err } = await sealtrailConfig({ ...SECRETS, SEALTRAIL_MAX_MESSAGE_BYTES: "9" });
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toMatch(/CONFIG_INVALID/);
    expect(err).toMatch(/gateway\.maxMessageBytes \(SEALTRAIL_MAX_MESSAGE_BYTES, from the environment\)/);
    expect(err).not.toMatch(/SECRET/);
  });

  it("exits 2 on an unknown option", async () => {
    const { code, err } = await sealtrailConfig({}, "--frobnicate");
    expect(code).toBe(2);
    expect(err).toMatch(/usage: sealtrail config/);
  });
});
