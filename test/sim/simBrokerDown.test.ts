import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { main } from "#cli";
import { runSimCommand } from "#sim";
import { freePort } from "../../cli/demo/freePort.ts";

const ADMIN_TOKEN = "EXAMPLE-admin-token";
let dir: string;
let api: Server;
let apiUrl: string;
let scenarioPath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sealtrail-sim-down-"));
  // The API is up (registration succeeds); only the broker is missing.
  api = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(201, { "content-type": "application/json" }).end("{}"));
  });
  api.listen(0, "127.0.0.1");
  await once(api, "listening");
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  scenarioPath = join(dir, "tiny.yaml");
  writeFileSync(
    scenarioPath,
    [
      "format: sealtrail-sim-scenario-v1",
      "name: tiny",
      "seed: 4",
      "durationS: 60",
      "devices:",
      "  - { group: box, count: 3, rate: 1/s, sensors: { temperature: {} } }",
    ].join("\n"),
  );
});

afterAll(async () => {
  await new Promise<void>((resolve) => api.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: { write: (text: string) => out.push(text) },
      stderr: { write: (text: string) => err.push(text) },
      env: {},
      signal: new AbortController().signal,
    },
  };
}

describe("sealtrail sim against a broker it cannot use", () => {
  it.each(["mqttjs", "raw"])(
    "When nothing listens at --mqtt, then the %s fleet gives up after --connect-timeout with exit 1 and ECONNREFUSED host:port",
    async (client) => {
      const port = await freePort(); // free now, and nothing binds it
      const { io, out, err } = capture();
      const started = Date.now();
      const code = await runSimCommand(
        [
          scenarioPath,
          ...["--mqtt", `mqtt://127.0.0.1:${port}`, "--api", apiUrl, "--admin-token", ADMIN_TOKEN],
          ...["--data-dir", join(dir, client), "--client", client, "--connect-timeout", "2"],
        ],
        io,
      );
      expect(code).toBe(1);
      expect(err.join("")).toMatch(
        new RegExp(
          `^sealtrail sim: no device could connect to mqtt://127\\.0\\.0\\.1:${port} \\(\\d+ attempts in \\d+ s\\): ECONNREFUSED 127\\.0\\.0\\.1:${port}\\n$`,
        ),
      );
      expect(out.join("")).toContain("online 0/3");
      // Bounded by --connect-timeout (2 s), not by the scenario's 60 s.
      expect(Date.now() - started).toBeLessThan(30_000);
    },
  );

  it("When the run ends before the connect timeout and no device ever connected, then it still exits 1 with the reason", async () => {
    const port = await freePort();
    const { io, err } = capture();
    const code = await runSimCommand(
      [
        scenarioPath,
        ...["--mqtt", `mqtt://127.0.0.1:${port}`, "--api", apiUrl, "--admin-token", ADMIN_TOKEN],
        ...["--data-dir", join(dir, "short"), "--duration", "1", "--drain-timeout", "0"],
      ],
      io,
    );
    expect(code).toBe(1);
    expect(err.join("")).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
  });

  it("refuses --mqtt http://… as a usage error (exit 2) before registering or connecting anything", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t) },
    };
    const code = await main(
      ["sim", scenarioPath, "--mqtt", "http://127.0.0.1:1883", "--api", apiUrl, "--admin-token", ADMIN_TOKEN],
      io,
    );
    expect(code).toBe(2);
    expect(err.join("")).toMatch(
      /^sealtrail sim: --mqtt must be a broker URL \(mqtt:\/\/, mqtts:\/\/, ws:\/\/, wss:\/\/, tcp:\/\/\), not "http:\/\/127\.0\.0\.1:1883"/,
    );
    expect(out.join("")).toBe("");
  });
});
