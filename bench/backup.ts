/**
 * `sealtrail backup` of a 1,000,000-reading store, alone and while devices publish: how long does it take,
 * and does ingest stall meanwhile?
 *
 * The store is pre-filled with `--readings` rows the size of real ones (a ~150-byte COSE_Sign1, its JSON
 * payload, random 32-byte ids, 10,000 devices counting seq up, a batch every 2,000 messages): the backup
 * copies pages and integrity_check reads every row and index entry, so sizes and index shapes matter,
 * signatures do not (`--store <file>` copies an existing store in instead, e.g. the provenance bench's).
 *
 * 1. Quiet: `backupStore` in this process, nothing else using the store: copy, integrity_check, total.
 * 2. Under load: the gateway in a child process on the same store; devices publish pre-signed readings at
 *    `--rate`/s (open loop, PUBACK awaited, as bench:seal does); a few seconds in, `sealtrail backup` runs as
 *    its own process, as an operator runs it. PUBACK latency and readings/s are split by when each reading
 *    was sent: before the backup, while its process starts, while it copies (it holds a read snapshot of the
 *    store), while it checks the copy, and after it; the longest time without any PUBACK in a phase says
 *    whether ingest stalled; the WAL's size is sampled every 250 ms (it cannot be checkpointed past the
 *    backup's snapshot while the copy runs).
 *
 * `--control` runs the same load with no backup at all (report bench/results/backup-control.json): what the
 * WAL does on its own, to tell the backup's share of its growth from the writer's.
 *
 * Writes bench/results/backup.json.
 *   bin/dev npm run bench:backup                                   # 1,000,000 readings, 100 devices at 1,000/s
 *   bin/dev npm run bench:backup -- --readings 200000 --rate 500
 *   bin/dev npm run bench:backup -- --control --measure 173000     # no backup, a 173 s window
 */

import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { backupStore, SqliteStore } from "#gateway";
import { bytesToHex, signConnectToken } from "#protocol";
import { prepareMessageInsert } from "../gateway/store/sqlite/prepareMessageInsert.ts";
import { benchIdentities, preSignChains } from "./lib/benchDevices.ts";
import { type Percentiles, percentiles, runLoad } from "./lib/rawLoad.ts";
import { machineInfo, packageVersions, writeReport } from "./lib/report.ts";
import { spawnGatewayProcess } from "./lib/spawnGatewayProcess.ts";

const { values: args } = parseArgs({
  options: {
    readings: { type: "string", default: "1000000" },
    devices: { type: "string", default: "100" },
    rate: { type: "string", default: "1000" },
    store: { type: "string" },
    /** The same load and WAL sampling without any backup: what the WAL does on its own. */
    control: { type: "boolean", default: false },
    /** The measured window, ms (default: long enough for the backup). */
    measure: { type: "string" },
  },
});
const P = {
  readings: Number(args.readings),
  devices: Number(args.devices),
  rate: Number(args.rate),
  warmupMs: 3000,
  /** The backup starts this long into the measured window. */
  backupAfterMs: 5000,
  window: 4,
  fillerDevices: 10_000,
  batchSize: 2_000,
};
const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));
const log = (line: string) => process.stdout.write(`${line}\n`);
const started = new Date();
const dir = mkdtempSync(join(tmpdir(), "sealtrail-backup-bench-"));
const round = (v: number) => Math.round(v);
const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/** Rows the size of what the gateway stores, straight into the store file; a batch every `batchSize`. */
function prefill(dbPath: string, count: number): void {
  SqliteStore.open(dbPath, { writerThread: false }).close();
  const db = new Database(dbPath);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF"); // setup, not measured
  db.pragma("cache_size = -1048576");
  // The store's own insert path: the row as the gateway writes it (schema 8 derives columns from the JSON).
  const insert = { run: prepareMessageInsert(db).insert };
  const seal = db.prepare(
    "INSERT INTO batches (root, first_n, last_n, size, sealed_at) VALUES (?, ?, ?, ?, ?)",
  );
  const devices = Array.from({ length: P.fillerDevices }, (_, i) => `0x${i.toString(16).padStart(40, "0")}`);
  const t0 = Date.parse("2026-11-01T00:00:00Z");
  const chunk = 50_000;
  for (let from = 0; from < count; from += chunk) {
    db.transaction(() => {
      for (let i = from; i < Math.min(count, from + chunk); i++) {
        const ts = t0 + i * 2_500;
        const temp = Math.round((5 + Math.sin(i / 90)) * 100) / 100;
        insert.run(
          randomBytes(32),
          devices[i % P.fillerDevices]!,
          Math.floor(i / P.fillerDevices) + 1,
          randomBytes(150),
          ts,
          ts + 120,
          `{"v":1,"seq":${Math.floor(i / P.fillerDevices) + 1},"ts":${ts},"prev":"0x${"ab".repeat(32)}","m":{"temp_c":${temp}}}`,
        );
        if ((i + 1) % P.batchSize === 0)
          seal.run(randomBytes(32), i + 2 - P.batchSize, i + 1, P.batchSize, ts);
      }
    })();
  }
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
}

/** `sealtrail backup` as its own process; resolves with its result and when it ran (performance.now()). */
function cliBackup(store: string, out: string) {
  const startedAt = performance.now();
  return new Promise<{
    startedAt: number;
    endedAt: number;
    code: number | null;
    result: Record<string, number>;
  }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "cli/main.ts", "backup", out, "--store", store, "--json"],
      { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] },
    );
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ startedAt, endedAt: performance.now(), code, result: code === 0 ? JSON.parse(stdout) : {} }),
    );
  });
}

type Phase = { readings: number; perSecond: number; latencyMs: Percentiles; longestGapMs: number };

function phase(acks: { sentAt: number; ackedAt: number }[], from: number, to: number): Phase {
  const inPhase = acks.filter((a) => a.sentAt >= from && a.sentAt < to);
  const ackTimes = acks
    .map((a) => a.ackedAt)
    .filter((t) => t >= from && t < to)
    .sort((a, b) => a - b);
  let longestGapMs = ackTimes.length
    ? Math.max(ackTimes[0]! - from, to - ackTimes[ackTimes.length - 1]!)
    : to - from;
  for (let i = 1; i < ackTimes.length; i++)
    longestGapMs = Math.max(longestGapMs, ackTimes[i]! - ackTimes[i - 1]!);
  return {
    readings: inPhase.length,
    perSecond: round((ackTimes.length * 1000) / Math.max(1, to - from)),
    latencyMs: percentiles(inPhase.map((a) => a.ackedAt - a.sentAt)),
    longestGapMs: round(longestGapMs),
  };
}

try {
  const machineAtStart = machineInfo();
  const dbPath = join(dir, "store.db");
  const t0 = performance.now();
  if (args.store) {
    log(`copying ${args.store} …`);
    copyFileSync(args.store, dbPath);
  } else {
    log(`pre-filling ${P.readings.toLocaleString("en")} readings …`);
    prefill(dbPath, P.readings);
  }
  const prefillSeconds = Math.round((performance.now() - t0) / 100) / 10;
  const storeMiB = mib(statSync(dbPath).size);
  log(`  store ${storeMiB} MiB (${prefillSeconds} s)`);

  const quiet = args.control
    ? { readings: 0, bytes: 0, copyMs: 0, checkMs: 0, totalMs: 0 }
    : await backupStore(dbPath, join(dir, "quiet.db"));
  rmSync(join(dir, "quiet.db"), { force: true });
  if (!args.control)
    log(
      `quiet: backup of ${quiet.readings.toLocaleString("en")} readings (${mib(quiet.bytes)} MiB): copy ${(quiet.copyMs / 1000).toFixed(1)} s, integrity_check ${(quiet.checkMs / 1000).toFixed(1)} s, total ${(quiet.totalMs / 1000).toFixed(1)} s`,
    );

  // Long enough for a backup several times slower than the quiet one, and some time after it.
  const measureMs = args.measure
    ? Number(args.measure)
    : Math.max(30_000, P.backupAfterMs + 4 * quiet.totalMs + 10_000);
  const perDevice = Math.ceil((P.rate * (P.warmupMs + measureMs + 5000)) / 1000 / P.devices);
  const identities = benchIdentities(P.devices, "backup bench");
  const chains = preSignChains(
    identities,
    perDevice,
    join(tmpdir(), "sealtrail-backup-bench-chains.bin"),
    log,
  );
  const devicesFile = join(dir, "devices.json");
  writeFileSync(devicesFile, JSON.stringify(identities.map((i) => bytesToHex(i.publicKey))));
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
      batchMaxSize: 1000,
      batchMaxAgeMs: 1000,
    },
  });
  const acks: { sentAt: number; ackedAt: number }[] = [];
  const walSamples: { at: number; bytes: number }[] = [];
  const sampler = setInterval(() => {
    const wal = `${dbPath}-wal`;
    walSamples.push({ at: performance.now(), bytes: existsSync(wal) ? statSync(wal).size : 0 });
  }, 250);
  let backup: Awaited<ReturnType<typeof cliBackup>> | undefined;
  let backupRun: Promise<void> | undefined;
  let loadStart = 0;
  try {
    const now = Math.floor(Date.now() / 1000);
    log(
      `under load: ${P.devices} devices at ${P.rate} readings/s, window ${(measureMs / 1000).toFixed(0)} s`,
    );
    const load = runLoad({
      port: gateway.port,
      devices: identities.map((identity, d) => ({
        address: identity.address,
        password: signConnectToken(identity, now),
        messages: chains[d]!,
      })),
      ratePerSecond: P.rate,
      window: P.window,
      warmupMs: P.warmupMs,
      measureMs,
      beforePublishing: async () => {
        loadStart = performance.now();
        if (!args.control)
          setTimeout(() => {
            backupRun = cliBackup(dbPath, join(dir, "backup.db")).then((b) => {
              backup = b;
            });
          }, P.warmupMs + P.backupAfterMs);
      },
      onAck: (sentAt, ackedAt) => acks.push({ sentAt, ackedAt }),
    });
    const result = await load;
    await backupRun;
    clearInterval(sampler);
    if (args.control) {
      const windowFrom = loadStart + P.warmupMs;
      const timeline = walSamples
        .filter((_, i) => i % 4 === 0)
        .map((x) => [Math.round((x.at - windowFrom) / 100) / 10, mib(x.bytes)]);
      log(
        `  control (no backup): ${result.ackedPerSecond}/s acknowledged, PUBACK p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms; WAL MiB every 10 s: ${timeline
          .filter((_, i) => i % 10 === 0)
          .map((x) => x[1])
          .join(", ")}`,
      );
      writeReport(join(import.meta.dirname, "results", "backup-control.json"), {
        benchmark: "backup-control",
        command: `npm run bench:backup -- ${process.argv.slice(2).join(" ")}`.trim(),
        startedAt: started.toISOString(),
        finishedAt: new Date().toISOString(),
        machine: { ...machineAtStart, loadAverageAtEnd: machineInfo().loadAverage },
        parameters: { ...P, measureMs },
        load: result,
        walMiB: { max: mib(Math.max(...walSamples.map((x) => x.bytes))), timeline },
      });
      log("report: bench/results/backup-control.json");
    } else {
      if (backup?.code !== 0) throw new Error(`the backup under load failed (exit ${backup?.code})`);
      const windowFrom = loadStart + P.warmupMs;
      const windowTo = windowFrom + measureMs;
      const b = backup.result;
      // The child's epoch times on this process's clock: the copy holds the store's snapshot, the check reads
      // only the copy.
      const copyFrom = (b.snapshotAt ?? 0) - performance.timeOrigin;
      const copyTo = copyFrom + (b.copyMs ?? 0);
      const checkTo = copyTo + (b.checkMs ?? 0);
      const phases = {
        before: phase(acks, windowFrom, backup.startedAt),
        starting: phase(acks, backup.startedAt, copyFrom),
        copy: phase(acks, copyFrom, copyTo),
        check: phase(acks, copyTo, checkTo),
        after: phase(acks, backup.endedAt, Math.min(windowTo, backup.endedAt + 20_000)),
      };
      const walAt = (t: number) => walSamples.filter((x) => x.at <= t).at(-1)?.bytes ?? 0;
      const walMiB = {
        backupStart: mib(walAt(backup.startedAt)),
        copyStart: mib(walAt(copyFrom)),
        copyEnd: mib(walAt(copyTo)),
        backupEnd: mib(walAt(backup.endedAt)),
        windowEnd: mib(walAt(windowTo)),
        max: mib(Math.max(...walSamples.map((x) => x.bytes))),
        /** [seconds since the measured window opened, MiB], once a second. */
        timeline: walSamples
          .filter((_, i) => i % 4 === 0)
          .map((x) => [Math.round((x.at - windowFrom) / 100) / 10, mib(x.bytes)]),
      };
      const underLoad = {
        load: {
          ackedPerSecond: result.ackedPerSecond,
          latencyMs: result.latencyMs,
          unacknowledged: result.unacknowledged,
        },
        backup: { processMs: round(backup.endedAt - backup.startedAt), ...b },
        phases,
        walMiB,
      };
      log(
        `  backup under load: process ${(underLoad.backup.processMs / 1000).toFixed(1)} s (copy ${((b.copyMs ?? 0) / 1000).toFixed(1)} s, integrity_check ${((b.checkMs ?? 0) / 1000).toFixed(1)} s), ${b.readings?.toLocaleString("en")} readings`,
      );
      for (const [name, p] of Object.entries(phases))
        log(
          `  ${name.padEnd(8)}: ${p.perSecond}/s acknowledged, PUBACK p50 ${p.latencyMs.p50} ms, p99 ${p.latencyMs.p99} ms, max ${p.latencyMs.max} ms, longest time without a PUBACK ${p.longestGapMs} ms`,
        );
      log(
        `  WAL MiB: ${walMiB.backupStart} at the backup's start, ${walMiB.copyStart} → ${walMiB.copyEnd} during the copy, ${walMiB.backupEnd} at its end, ${walMiB.windowEnd} at the window's end (max ${walMiB.max})`,
      );
      const report = {
        benchmark: "backup",
        command: `npm run bench:backup -- ${process.argv.slice(2).join(" ")}`.trim(),
        startedAt: started.toISOString(),
        finishedAt: new Date().toISOString(),
        machine: { ...machineAtStart, loadAverageAtEnd: machineInfo().loadAverage },
        versions: packageVersions(["better-sqlite3", "aedes"]),
        parameters: { ...P, measureMs, source: args.store ?? "pre-filled" },
        store: { mib: storeMiB, prefillSeconds },
        quiet: {
          readings: quiet.readings,
          mib: mib(quiet.bytes),
          copyMs: round(quiet.copyMs),
          checkMs: round(quiet.checkMs),
          totalMs: round(quiet.totalMs),
        },
        underLoad,
      };
      writeReport(join(import.meta.dirname, "results", "backup.json"), report);
      log(`report: bench/results/backup.json (load average at end ${machineInfo().loadAverage.join(" ")})`);
    }
  } finally {
    clearInterval(sampler);
    await gateway.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
