import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, jest } from "@jest/globals";
import { freePort } from "../../cli/demo/freePort.ts";
import { REPO_ROOT } from "../../cli/demo/repoRoot.ts";

// Generous: starting hardhat node, deploying and anchoring can take minutes on a loaded 2-vCPU machine.
jest.setTimeout(300_000);

const dirs: string[] = [];
let child: ChildProcess | undefined;
afterAll(async () => {
  // A failed or timed-out test must not leave the demo (and its hardhat node) running: it holds ports.
  if (child && child.exitCode === null && child.signalCode === null) {
    const gone = new Promise((resolve) => child!.once("exit", resolve));
    child.kill("SIGINT");
    const timer = setTimeout(() => child!.kill("SIGKILL"), 30_000);
    await gone;
    clearTimeout(timer);
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

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
    let ports = { http: 0, mqtt: 0, rpc: 0 };
    let dir = "";
    let out = "";
    let exited: Promise<number | null> = Promise.resolve(null);
    // The ports are free when picked but bound later: if another process takes one meanwhile, the demo
    // exits with EADDRINUSE and starts again on other ports.
    for (let attempt = 1; ; attempt++) {
      ports = { http: await freePort(), mqtt: await freePort(), rpc: await freePort() };
      dir = mkdtempSync(join(tmpdir(), "sealtrail-demo-")); // fresh: the admin token is generated (and shown)
      dirs.push(dir);
      out = "";
      const demo = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", "demo"], {
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
      child = demo;
      demo.stdout.on("data", (d) => (out += d));
      demo.stderr.on("data", (d) => (out += d));
      exited = new Promise<number | null>((resolve) => demo.on("exit", (code) => resolve(code)));
      const startDeadline = Date.now() + 120_000;
      while (!out.includes("Sealtrail is running") && demo.exitCode === null && Date.now() < startDeadline)
        await new Promise((r) => setTimeout(r, 250));
      if (out.includes("Sealtrail is running")) break;
      if (demo.exitCode === null) {
        demo.kill("SIGINT");
        await exited;
      }
      if (attempt >= 3 || !out.includes("EADDRINUSE")) throw new Error(`demo did not start:\n${out}`);
    }
    const running = child!;
    try {
      const deadline = Date.now() + 120_000; // for the first anchor, from the moment the demo runs
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
      running.kill("SIGINT");
    }
    expect(await exited).toBe(0);
    expect(out).toContain("Stopped.");
    for (const port of [ports.http, ports.mqtt, ports.rpc]) expect(await listening(port)).toBe(false);
  });
});
