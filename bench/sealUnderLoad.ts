/**
 * Sealing a 1,000,000-message batch while devices publish: does ingest stall?
 *
 * The store is pre-filled with 1,000,000 stored-but-unbatched messages (synthetic rows: the batcher reads ids
 * only), whose age makes the batcher seal them a few seconds into the measured window. Devices publish
 * pre-signed readings at a fixed rate to the gateway in a child process throughout; the program prints
 * readings/s acknowledged and PUBACK latency p50/p99 for a baseline run (nothing to seal) and for the run
 * during which the million-leaf batch is sealed (ids read in pages, Merkle tree built on a worker thread),
 * with how long the seal took. Writes bench/results/seal-under-load.json.
 *
 *   bin/dev npm run bench:seal                      # 1,000,000 leaves, 200 devices at 3,000 readings/s
 *   bin/dev npm run bench:seal -- --leaves 200000 --rate 2000
 */

import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { SqliteStore } from "#gateway";
import { bytesToHex, signConnectToken } from "#protocol";
import { prepareMessageInsert } from "../gateway/store/sqlite/prepareMessageInsert.ts";
import { benchIdentities, preSignChains } from "./lib/benchDevices.ts";
import { type LoadResult, runLoad } from "./lib/rawLoad.ts";
import { machineInfo, metricValue, packageVersions, writeReport } from "./lib/report.ts";
import { spawnGatewayProcess } from "./lib/spawnGatewayProcess.ts";

const { values: args } = parseArgs({
  options: {
    leaves: { type: "string", default: "1000000" },
    devices: { type: "string", default: "200" },
    rate: { type: "string", default: "3000" },
    measure: { type: "string", default: "40000" },
    warmup: { type: "string", default: "3000" },
  },
});
const P = {
  leaves: Number(args.leaves),
  devices: Number(args.devices),
  rate: Number(args.rate),
  warmupMs: Number(args.warmup),
  measureMs: Number(args.measure),
  /** The pre-filled batch becomes due this long after the measured window opens. */
  sealDueAfterMs: 3000,
  window: 4,
};
const log = (line: string) => process.stdout.write(`${line}\n`);
const started = new Date();
const dir = mkdtempSync(join(tmpdir(), "sealtrail-seal-bench-"));

/** Inserts `count` unbatched message rows straight into the store file (synthetic: random ids). */
function prefill(dbPath: string, count: number, receivedAt: number): void {
  SqliteStore.open(dbPath).close();
  const db = new Database(dbPath);
  db.pragma("journal_mode = WAL");
  // The store's own insert path: the row as the gateway writes it (schema 8 derives columns from the JSON).
  const insert = { run: prepareMessageInsert(db).insert };
  const device = `0x${"ee".repeat(20)}`;
  const raw = Buffer.alloc(16);
  db.transaction(() => {
    for (let i = 1; i <= count; i++)
      insert.run(randomBytes(32), device, i, raw, receivedAt, receivedAt, "{}");
  })();
  db.close();
}

async function run(label: string, leaves: number) {
  const dbPath = join(dir, `${label}.db`);
  const perDevice = Math.ceil((P.rate * (P.warmupMs + P.measureMs + 5000)) / 1000 / P.devices);
  const identities = benchIdentities(P.devices, "seal bench");
  const chains = preSignChains(identities, perDevice, join(tmpdir(), "sealtrail-seal-bench-chains.bin"), log);
  const devicesFile = join(dir, "devices.json");
  writeFileSync(devicesFile, JSON.stringify(identities.map((i) => bytesToHex(i.publicKey))));
  const t0 = Date.now();
  if (leaves > 0) {
    log(`  pre-filling ${leaves.toLocaleString("en")} unbatched messages …`);
    prefill(dbPath, leaves, t0);
  }
  const prefillMs = Date.now() - t0;
  const gateway = await spawnGatewayProcess({
    kind: "gateway",
    dbPath,
    devicesFile,
    config: {
      verifier: "native",
      deviceRatePerSecond: 100_000,
      deviceRateBurst: 100_000,
      connectRatePerIpPerSecond: 100_000,
      connectBurstPerIp: 100_000,
      revocationPollMs: 0,
      // Only the age seals, once: the baseline seals just its own readings (it once had batchMaxSize 1, a
      // batch per reading, which is what made it slow), and the million is due a few seconds into the window
      // together with the readings stored before then (a size limit of `leaves` sealed it at start).
      batchMaxSize: 4_000_000,
      // Due once the pre-filled rows are this old: a few seconds into the measured window.
      batchMaxAgeMs: prefillMs + 2000 + P.warmupMs + P.sealDueAfterMs + 8000,
    },
  });
  const sealDueAt = t0 + prefillMs + 2000 + P.warmupMs + P.sealDueAfterMs + 8000;
  let sealedAt: number | undefined;
  let polling = false;
  const poll = setInterval(async () => {
    if (sealedAt || polling) return;
    polling = true;
    const stats = await gateway.stats().catch(() => undefined);
    polling = false;
    if (stats && (metricValue(stats.metrics, "sealtrail_batches_sealed_total") ?? 0) >= 1)
      sealedAt = Date.now();
  }, 200);
  let result: LoadResult;
  try {
    const now = Math.floor(Date.now() / 1000);
    const loadStart = Date.now();
    result = await runLoad({
      port: gateway.port,
      devices: identities.map((identity, d) => ({
        address: identity.address,
        password: signConnectToken(identity, now),
        messages: chains[d]!,
      })),
      ratePerSecond: P.rate,
      window: P.window,
      warmupMs: P.warmupMs,
      measureMs: P.measureMs,
    });
    clearInterval(poll);
    const sealMs = sealedAt ? sealedAt - Math.max(sealDueAt, loadStart) : null;
    log(
      `  ${label}: ${result.ackedPerSecond}/s acknowledged of ${result.offeredPerSecond}/s offered, PUBACK p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, max ${result.latencyMs.max} ms` +
        (leaves
          ? `; seal of ${leaves.toLocaleString("en")} leaves ${sealedAt ? `took ≈ ${((sealMs ?? 0) / 1000).toFixed(1)} s, inside the window` : "did NOT finish in the window"}`
          : ""),
    );
    return { label, leaves, result, sealMs, sealFinishedInWindow: sealedAt !== undefined };
  } finally {
    clearInterval(poll);
    await gateway.close();
  }
}

try {
  const machineAtStart = machineInfo();
  log(`seal under load: ${P.devices} devices at ${P.rate} readings/s, window ${P.measureMs / 1000} s`);
  const baseline = await run("baseline", 0);
  const sealing = await run("sealing", P.leaves);
  const report = {
    benchmark: "seal-under-load",
    command: `npm run bench:seal -- ${process.argv.slice(2).join(" ")}`.trim(),
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: { ...machineAtStart, loadAverageAtEnd: machineInfo().loadAverage },
    versions: packageVersions(["aedes", "better-sqlite3", "secp256k1", "@noble/hashes"]),
    parameters: P,
    runs: [baseline, sealing],
  };
  writeReport(join(import.meta.dirname, "results", "seal-under-load.json"), report);
  log(
    `report: bench/results/seal-under-load.json (load average at end ${machineInfo().loadAverage.join(" ")})`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
