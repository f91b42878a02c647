import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, jest } from "@jest/globals";
import { base64ToBytes, bytesToBase64, type EvidencePackage } from "#evidence";
import { REPO_ROOT } from "../../cli/demo/repoRoot.ts";
import type { Stack } from "../../cli/demo/startStack.ts";
import { waitForAnchoredPackage } from "./productPageEvidence.ts";
import { type Journey, seedJourney } from "./productPageJourney.ts";
import { startStackOnFreePorts } from "./startStackOnFreePorts.ts";

// `sealtrail audit` run as an auditor runs it (a child process) against the real stack: a Hardhat chain, the
// gateway's SQLite store and the API, with the product page tests' journey. Each kind of target the command
// takes is audited against the API and the chain, with report files and a resume state.
jest.setTimeout(300_000);

let dir: string;
let stack: Stack;
let journey: Journey;
let item: EvidencePackage;
let sscc: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sealtrail-audit-targets-"));
  ({ stack } = await startStackOnFreePorts({
    SEALTRAIL_DATA_DIR: join(dir, "data"),
    SEALTRAIL_BATCH_MAX_AGE_MS: "500",
    SEALTRAIL_FINALITY_DEPTH: "2",
    SEALTRAIL_BLOCK_INTERVAL_MS: "500",
  }));
  journey = await seedJourney({
    apiUrl: stack.apiUrl,
    adminToken: stack.adminToken,
    store: stack.store,
    readingsPerSensor: 60,
  });
  const url = `${stack.apiUrl}/api/v1/evidence${journey.compliantPath}`;
  await waitForAnchoredPackage(url, 120_000);
  item = (await (await fetch(url)).json()) as EvidencePackage;
  sscc = /\/00\/(\d{18})/.exec(item.journey!.units.map((u) => u.unit).join(" "))![1]!;
  await waitForAnchoredPackage(`${stack.apiUrl}/api/v1/evidence/00/${sscc}`, 120_000);
});
afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function audit(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", "audit", ...args], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 120_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
const api = () => ["--api", stack.apiUrl, "--rpc", stack.rpcUrl];

describe("sealtrail audit against a real API and chain", () => {
  it("an item's Digital Link URI (under a domain prefix): valid, reports in Markdown and JSON, resumable", async () => {
    const uri = `${stack.apiUrl}/products${journey.compliantPath}`;
    const report = join(dir, "item.md");
    const state = join(dir, "item.state.json");
    const first = await audit([uri, ...api(), "--report", report, "--resume", state]);
    expect(first.stderr).not.toMatch(/cannot/);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /^VALID: \d+ of \d+ readings and \d+ of \d+ events verified; anchored on chain/,
    );
    expect(readFileSync(report, "utf8")).toMatch(/^# Sealtrail audit: VALID\n/);
    const json = JSON.parse(readFileSync(join(dir, "item.json"), "utf8"));
    expect(json).toMatchObject({ format: "sealtrail-audit-report-v1", report: { status: "valid" } });
    expect(json.report.journey.coldChain.verdict).toBe("compliant");
    // The second run reads the package kept beside the state (no new fetch, same hash) and the finished state.
    const again = await audit([uri, ...api(), "--resume", state, "--json"]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/using the package fetched earlier: .*item\.state\.json\.package\.json/);
    expect(again.stderr).toMatch(/resuming: 1 of 1 part/);
    expect(existsSync(`${state}.package.json`)).toBe(true);
  });

  it("an SSCC: the pallet's package is valid", async () => {
    const run = await audit([sscc, ...api(), "--report", join(dir, "sscc.html")]);
    expect(run.code).toBe(0);
    const html = readFileSync(join(dir, "sscc.html"), "utf8");
    expect(html).toMatch(/<h1 class="valid">Sealtrail audit: VALID<\/h1>/);
    expect(html).not.toMatch(/<script/);
  });

  it("a device and a time range: the sensor's stretch is valid and complete", async () => {
    const s = item.journey!.sensors.find((x) => x.device !== null)!;
    const run = await audit([s.device!, "--from", String(s.from), "--to", String(s.to), ...api(), "--json"]);
    expect(run.code).toBe(0);
    const whole = JSON.parse(run.stdout);
    expect(whole).toMatchObject({ status: "valid", journey: { complete: true } });
    // The same window in parts of 10 readings on two worker threads: the same verdict and counts.
    const inParts = await audit([
      s.device!,
      "--from",
      String(s.from),
      "--to",
      String(s.to),
      ...api(),
      "--json",
      "--part-readings",
      "10",
      "--threads",
      "2",
    ]);
    expect(inParts.code).toBe(0);
    expect(inParts.stderr).toMatch(/part 6\/\d+ /);
    const parts = JSON.parse(inParts.stdout);
    expect(parts).toMatchObject({ status: "valid", journey: { complete: true } });
    expect(parts.readings).toEqual(whole.readings);
    expect(parts.batches).toEqual(whole.batches);
  });

  it("a package file: the saved package is valid; a tampered copy exits 1 and the report names the failure", async () => {
    const file = join(dir, "saved.json");
    const fetched = await audit([journey.compliantPath, ...api(), "--save", file]);
    expect(fetched.code).toBe(0);
    const offline = await audit([file, "--rpc", stack.rpcUrl]);
    expect(offline.code).toBe(0);
    const bad = JSON.parse(readFileSync(file, "utf8")) as EvidencePackage;
    const batch = bad.batches.find((b) => b.readings.length > 0)!;
    const raw = base64ToBytes(batch.readings[0]!)!;
    raw[raw.length - 67] = raw[raw.length - 67]! ^ 0x01;
    batch.readings[0] = bytesToBase64(raw);
    const tampered = join(dir, "tampered.json");
    writeFileSync(tampered, JSON.stringify(bad));
    const report = join(dir, "tampered.md");
    const failed = await audit([tampered, "--rpc", stack.rpcUrl, "--report", report]);
    expect(failed.code).toBe(1);
    const md = readFileSync(report, "utf8");
    expect(md).toMatch(/^# Sealtrail audit: INVALID/);
    expect(md).toMatch(/\| 1 \| reading 0x[0-9a-f]{64} \| signature \| /);
    expect(md).toMatch(/\| multiproof \| /);
  });
});
