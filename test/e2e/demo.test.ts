import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, jest } from "@jest/globals";
import { freePort } from "../../cli/demo/freePort.ts";
import { REPO_ROOT } from "../../cli/demo/repoRoot.ts";

jest.setTimeout(180_000);

const dir = mkdtempSync(join(tmpdir(), "sealtrail-demo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

describe("the demo command (what `npm start` runs)", () => {
  it("starts chain, gateway, API and the cold-chain fleet, anchors its readings, and stops every process on SIGINT", async () => {
    const ports = { http: await freePort(), mqtt: await freePort(), rpc: await freePort() };
    const child = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", "demo"], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        SEALTRAIL_DATA_DIR: dir,
        SEALTRAIL_HTTP_PORT: String(ports.http),
        SEALTRAIL_MQTT_PORT: String(ports.mqtt),
        SEALTRAIL_RPC_PORT: String(ports.rpc),
        SEALTRAIL_BATCH_MAX_AGE_MS: "1000",
        SEALTRAIL_FINALITY_DEPTH: "2",
        SEALTRAIL_LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const deadline = Date.now() + 90_000;
      while (!out.includes("Sealtrail is running")) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`demo did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      const api = `http://127.0.0.1:${ports.http}/api/v1`;
      const token = readFileSync(join(dir, "admin-token"), "utf8").trim();
      expect(out).toContain(token); // generated now, so shown once
      // The fleet registers its reefers and their readings get anchored.
      let anchored = false;
      while (!anchored && Date.now() < deadline) {
        const { devices } = (await (await fetch(`${api}/devices`)).json()) as {
          devices: { address: string }[];
        };
        for (const d of devices) {
          const { readings } = (await (
            await fetch(`${api}/devices/${d.address}/readings?limit=1`)
          ).json()) as { readings: { messageId: string }[] };
          if (!readings[0]) continue;
          const bundle = (await (await fetch(`${api}/readings/${readings[0].messageId}/proof`)).json()) as {
            anchors: { status: string }[];
          };
          anchored ||= bundle.anchors.some((a) => a.status === "included" || a.status === "final");
        }
        if (!anchored) await new Promise((r) => setTimeout(r, 500));
      }
      expect(anchored).toBe(true);
      expect(((await (await fetch(`${api}/devices`)).json()) as { devices: unknown[] }).devices).toHaveLength(
        3,
      );
    } finally {
      child.kill("SIGINT");
    }
    expect(await exited).toBe(0);
    expect(out).toContain("Stopped.");
    for (const port of [ports.http, ports.mqtt, ports.rpc]) expect(await listening(port)).toBe(false);
  });
});
