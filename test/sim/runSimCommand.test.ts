import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { hexToBytes } from "#protocol";
import { runSimCommand } from "#sim";
import { type GatewayHarness, startGatewayHarness } from "./gatewayHarness.ts";

const ADMIN_TOKEN = "EXAMPLE-admin-token";
let harness: GatewayHarness;
let api: Server;
let apiUrl: string;
let scenarioPath: string;
const registrations: string[] = [];

beforeAll(async () => {
  harness = await startGatewayHarness();
  // Stands in for the API's POST /api/v1/devices, so the command's default HTTP registrar is exercised.
  api = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/api/v1/devices") return void res.writeHead(404).end();
      if (req.headers.authorization !== `Bearer ${ADMIN_TOKEN}`)
        return void res.writeHead(401).end('{"error":{"code":"UNAUTHORIZED"}}');
      const { publicKey, label } = JSON.parse(body) as { publicKey: string; label: string };
      registrations.push(label);
      harness.gateway.registry.register(hexToBytes(publicKey), label).then(
        ({ created }) => res.writeHead(created ? 201 : 200, { "content-type": "application/json" }).end("{}"),
        () => res.writeHead(400).end(),
      );
    });
  });
  api.listen(0, "127.0.0.1");
  await once(api, "listening");
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  scenarioPath = join(harness.dir, "tiny.yaml");
  writeFileSync(
    scenarioPath,
    [
      "format: sealtrail-sim-scenario-v1",
      "name: tiny",
      "seed: 4",
      "durationS: 60",
      "devices:",
      "  - { group: box, count: 2, rate: 10/s, sensors: { temperature: {}, battery: {} } }",
    ].join("\n"),
  );
});

afterAll(async () => {
  await new Promise<void>((resolve) => api.close(() => resolve()));
  await harness.close();
});

function capture(isTTY: boolean) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: { write: (text: string) => out.push(text), isTTY, columns: 160 },
      stderr: { write: (text: string) => err.push(text) },
      env: {},
      signal: new AbortController().signal,
    },
  };
}

const args = (dataDir: string, token = ADMIN_TOKEN) => [
  scenarioPath,
  "--mqtt",
  harness.mqttUrl,
  "--api",
  apiUrl,
  "--admin-token",
  token,
  "--data-dir",
  join(harness.dir, dataDir),
  "--duration",
  "1.2",
  "--client",
  "raw",
];

describe("sealtrail sim", () => {
  it("registers the devices over HTTP, runs for --duration, prints periodic lines and a per-device table", async () => {
    const { io, out } = capture(false);
    const started = Date.now();
    expect(await runSimCommand(args("plain"), io)).toBe(0);
    const wallS = (Date.now() - started) / 1000;
    const text = out.join("");
    expect(text).toMatch(/^tiny: 2 devices, seed 4, raw client, 1 s against mqtt:\/\//);
    // Lines "t=<elapsed s>": one every second and a last one after the 1.2 s run. Which seconds they show
    // depends on how fast the machine is; the last one is at least 1 s and at most the command's own time.
    const seconds = [...text.matchAll(/\nt=(\d+)s sent \d+/g)].map((m) => Number(m[1]));
    expect(seconds.length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...seconds)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...seconds)).toBeLessThanOrEqual(Math.round(wallS));
    expect(text).toMatch(/done: sent \d+ {2}acked \d+ {2}buffered 0 {2}online 0\/2 {2}refused none\n/);
    expect(text).toMatch(/box-1 +0x[0-9a-f]{40}/);
    expect(registrations.filter((l) => l.startsWith("box-"))).toHaveLength(2);
    expect(text).not.toContain("\r");
  }, 60_000);

  it("draws a progress bar with a live summary line on a TTY", async () => {
    const { io, out } = capture(true);
    expect(await runSimCommand(args("tty"), io)).toBe(0);
    const text = out.join("");
    expect(text).toContain("\r\x1b[2K[");
    expect(text).toMatch(/\] +\d+% +\d\/1 s {2}sent \d+ {2}acked \d+/);
  }, 60_000);

  it("fails with exit code 1 and the HTTP status when the admin token is refused", async () => {
    const { io, err } = capture(false);
    expect(await runSimCommand(args("denied", "wrong"), io)).toBe(1);
    expect(err.join("")).toMatch(/registering box-1 failed: HTTP 401/);
  });

  it("answers a usage error with exit code 2 and the help", async () => {
    const { io, err } = capture(false);
    expect(await runSimCommand([scenarioPath], io)).toBe(2);
    expect(err.join("")).toMatch(/--mqtt is required[\s\S]*usage: sealtrail sim/);
  });

  it("answers an invalid scenario file with exit code 2 and what is wrong", async () => {
    const bad = join(harness.dir, "bad.yaml");
    writeFileSync(bad, "format: sealtrail-sim-scenario-v1\nname: bad\nseed: 1\ndurationS: 1\ndevices: []\n");
    const { io, err } = capture(false);
    expect(await runSimCommand([bad, ...args("bad").slice(1)], io)).toBe(2);
    expect(err.join("")).toMatch(/devices/);
  });
});
