// Evidence packages against a real local chain: readings of two devices sealed into shared batches and
// anchored by the real anchorer, the package served by the real API over the real SQLite file, verified by
// #evidence's verifier through fetch and by `sealtrail audit` run as an auditor would (a child process).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, jest } from "@jest/globals";
import { type RunningApi, startApi } from "#api";
import {
  base64ToBytes,
  bytesToBase64,
  type EvidencePackage,
  type FetchLike,
  verifyEvidencePackage,
} from "#evidence";
import { DeviceRegistry, MerkleRootBuilder, SqliteStore, sealPendingBatch } from "#gateway";
import {
  deviceIdentityFromPrivateKey,
  GENESIS_PREV,
  keccak256,
  nobleVerifier,
  readingToJson,
  signReading,
} from "#protocol";
import { freePort } from "../../cli/demo/freePort.ts";
import { allStatuses, type ChainFixture, makeAnchorer, runUntil, startChainFixture } from "./harness.ts";

jest.setTimeout(180_000);

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MIN = 60_000;
const T0 = Date.parse("2026-11-01T00:00:00Z");
const device = (label: string) =>
  deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode(`EXAMPLE evidence chain ${label}`)));
const ours = device("ours");
const other = device("other");

let fx: ChainFixture;
let store: SqliteStore;
let api: RunningApi;
let dir: string;
let pkg: EvidencePackage;
const FROM = T0 + 10 * MIN;
const TO = T0 + 100 * MIN;

async function storeReadings(who: typeof ours, count: number, at: (i: number) => number) {
  await store.registerDevice({
    address: who.address,
    publicKey: who.publicKey,
    label: "EXAMPLE",
    registeredAt: T0,
  });
  let prev: Uint8Array = GENESIS_PREV;
  for (let i = 0; i < count; i++) {
    const reading = { v: 1 as const, seq: i + 1, ts: at(i), prev, m: { temp_c: 4 + (i % 3) } };
    const signed = signReading(who, reading);
    prev = keccak256(signed.message);
    await store.insertMessage({
      messageId: signed.messageId,
      device: who.address,
      seq: i + 1,
      raw: signed.message,
      deviceTs: reading.ts,
      receivedAt: reading.ts,
      payloadJson: JSON.stringify(readingToJson(reading)),
    });
  }
}

const clone = (): EvidencePackage => JSON.parse(JSON.stringify(pkg));
const verify = (value: unknown, rpcUrls: string[], fetch?: FetchLike) =>
  verifyEvidencePackage(value, {
    verifier: nobleVerifier,
    rpcUrls,
    rpcTimeoutMs: 5_000,
    ...(fetch ? { fetch } : {}),
  });

beforeAll(async () => {
  fx = await startChainFixture();
  dir = mkdtempSync(join(tmpdir(), "sealtrail-evidence-"));
  store = SqliteStore.open(join(dir, "store.db"));
  // Ours: one reading a minute for two hours; the other device's readings land in the same batches.
  await storeReadings(ours, 120, (i) => T0 + i * MIN);
  await storeReadings(other, 240, (i) => T0 + i * 30_000);
  const builder = new MerkleRootBuilder();
  try {
    while (await sealPendingBatch({ store, builder, maxSize: 100, maxAgeMs: 0, now: Date.now }));
  } finally {
    await builder.close();
  }
  const { anchorer } = makeAnchorer(fx, store);
  const target = { chainId: fx.chain.chainId, contract: fx.contract };
  await runUntil(anchorer, async () => (await allStatuses(store, target)).every((s) => s === "final"), {
    mine: () => fx.rpc("evm_mine"),
  });
  api = await startApi({
    store,
    registry: new DeviceRegistry(store),
    adminToken: "EXAMPLE-admin-token-for-tests-only",
    anchorTargets: () => [{ chainId: fx.chain.chainId, contract: fx.contract as `0x${string}` }],
    isReady: () => true,
    port: 0,
  });
  const res = await fetch(
    `${api.url}/api/v1/evidence/devices/${ours.address}?from=${FROM}&to=${new Date(TO).toISOString()}`,
  );
  expect(res.status).toBe(200);
  pkg = (await res.json()) as EvidencePackage;
});
afterAll(async () => {
  await api?.close();
  await store?.close();
  await fx?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("an evidence package against a real chain", () => {
  it("verifies: every reading, one multiproof per batch, every anchor on chain, final", async () => {
    expect(pkg.batches.length).toBeGreaterThan(1);
    const { report } = await verify(pkg, [fx.chain.rpcUrl]);
    expect(report.failures).toEqual([]);
    expect(report.status).toBe("valid");
    expect(report.readings).toEqual({ total: 93, verified: 93, pending: 0 }); // minutes 10..100 and a neighbour each side
    expect(report.summary).toMatch(
      new RegExp(
        `^93 of 93 readings and 0 of 0 events verified; anchored on chain ${fx.chain.chainId}, blocks? \\d+(–\\d+)?, final$`,
      ),
    );
    expect(report.journey?.complete).toBe(true);
  });

  it("fails a tampered reading, naming its signature and its batch's multiproof", async () => {
    const bad = clone();
    const raw = base64ToBytes(bad.batches[0]!.readings[0]!)!;
    raw[raw.length - 67] = raw[raw.length - 67]! ^ 0x01;
    bad.batches[0]!.readings[0] = bytesToBase64(raw);
    const { report } = await verify(bad, [fx.chain.rpcUrl]);
    expect(report.status).toBe("invalid");
    expect(report.failures.map((f) => f.check)).toEqual(expect.arrayContaining(["signature", "multiproof"]));
  });

  it("fails a batch missing a multiproof leaf, and does not call its anchor verified", async () => {
    const bad = clone();
    bad.batches[0]!.readings.splice(1, 1);
    const { report } = await verify(bad, [fx.chain.rpcUrl]);
    expect(report.failures.find((f) => f.check === "multiproof")?.detail).toMatch(/a leaf is missing/);
    expect(report.anchors.find((a) => a.root === bad.batches[0]!.root)?.result).toBe("unchecked");
  });

  it("fails an anchor whose block number is wrong, naming the block", async () => {
    const bad = clone();
    bad.batches[0]!.anchors[0]!.blockNumber! += 1;
    const { report } = await verify(bad, [fx.chain.rpcUrl]);
    expect(report.status).toBe("invalid");
    expect(report.failures).toEqual([
      expect.objectContaining({
        check: "anchor",
        detail: expect.stringMatching(/block number: transaction is in block \d+, bundle says \d+/),
      }),
    ]);
  });

  it("calls an unreachable RPC 'could not check', never verified", async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const { report } = await verify(pkg, [closed]);
    expect(report.status).toBe("unverified");
    expect(report.summary).toMatch(/could not check the anchor/);
    expect(report.anchors.every((a) => a.result === "unchecked")).toBe(true);
  });

  it("fails when two RPC endpoints disagree about an anchor", async () => {
    // The second endpoint is the same chain behind a liar that moves every receipt one block on.
    const liar: FetchLike = async (url, init) => {
      const res = await fetch(fx.chain.rpcUrl, init);
      const text = await res.text();
      if (url !== "http://liar.example/" || !init.body.includes("eth_getTransactionReceipt"))
        return { status: res.status, text: async () => text };
      const answer = JSON.parse(text) as { result: { blockNumber: string } | null };
      if (answer.result)
        answer.result.blockNumber = `0x${(Number(answer.result.blockNumber) + 1).toString(16)}`;
      return { status: 200, text: async () => JSON.stringify(answer) };
    };
    const { report } = await verify(pkg, [fx.chain.rpcUrl, "http://liar.example/"], liar);
    expect(report.status).toBe("invalid");
    expect(report.failures[0]?.detail).toMatch(/RPC endpoints disagree/);
  });

  it("`sealtrail audit` fetches the device window from the API and verifies it; a tampered package file exits 1", async () => {
    const ok = await audit([
      ours.address,
      "--from",
      String(FROM),
      "--to",
      String(TO),
      "--api",
      api.url,
      "--rpc",
      fx.chain.rpcUrl,
      "--json",
    ]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ format: "sealtrail-evidence-report-v1", status: "valid" });
    const bad = clone();
    bad.batches[0]!.anchors[0]!.blockNumber! += 1;
    const file = join(dir, "tampered.json");
    writeFileSync(file, JSON.stringify(bad));
    const failed = await audit([file, "--rpc", fx.chain.rpcUrl]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^INVALID: .*block number/);
    const usage = await audit([ours.address, "--rpc", fx.chain.rpcUrl]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/needs --from and --to/);
  });
});

function audit(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", "audit", ...args], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 90_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
