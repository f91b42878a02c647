/**
 * Ingest benchmark: N devices (default 1,000) publish pre-signed readings over loopback MQTT to the
 * gateway, which runs in a child process so that the load generator (raw sockets, this process) does not
 * share its event loop. For each mode it measures:
 *   - open loop at each rate of a list: readings/s acknowledged (PUBACK = after the durable commit) and PUBACK
 *     latency p50/p99; the highest rate acknowledged in full with p99 within the SLO (50 ms);
 *   - closed loop (each device keeps a window in flight): the ceiling, with its (queueing) latency.
 * Each gateway run also reports the gateway's CPU per acknowledged reading (all its threads: verify
 * workers and the SQLite writer included), the readings per group commit (per fsync), the bytes on disk per
 * stored reading (file + WAL after a checkpoint, indexes included) and, before publishing, the CPU it
 * burns idle with every device connected. `--pool-size 1,2,4,all` repeats each mode per verify-pool size.
 * Modes: native and noble (the gateway with that verifier), bare (aedes with no hooks: PUBACK at once,
 * nothing verified or stored — the comparison) and noverify (a diagnostic: the gateway with a reading
 * verifier that checks nothing, i.e. what everything but decoding and verifying costs).
 *
 * A program, not a test: it writes bench/results/ingest-<mode>.json with the machine, the cores a busy
 * loop could get before each run (other work on a shared machine lowers every figure), versions,
 * parameters, every run and the medians. Each gateway run starts from an empty SQLite file (WAL,
 * synchronous=FULL). BENCH_GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the gateway.
 *
 *   bin/dev npm run bench:ingest                                   # native, noble, bare; 3 rounds (~12 min)
 *   bin/dev npm run bench:ingest -- --modes native --rounds 1 --rates 12000 --skip-closed
 *   bin/dev npm run bench:ingest -- --modes native --rounds 1 --rates 100,1000,2000,4000 --skip-closed --pool-size 1,2
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { bytesToHex, type DeviceIdentity, signConnectToken } from "#protocol";
import { nativeBackend } from "#protocol/native";
import { benchIdentities, preSignChains } from "./lib/benchDevices.ts";
import { measureStoreSize, type StoreSize } from "./lib/measureStoreSize.ts";
import { probeAvailableCores } from "./lib/probeCpu.ts";
import { type LoadResult, runLoad } from "./lib/rawLoad.ts";
import { machineInfo, median, metricValue, packageVersions, writeReport } from "./lib/report.ts";
import { spawnGatewayProcess } from "./lib/spawnGatewayProcess.ts";

const { values: args } = parseArgs({
  options: {
    devices: { type: "string", default: "1000" },
    modes: { type: "string", default: "native,noble,bare" },
    rounds: { type: "string", default: "3" },
    rates: { type: "string", default: "4000,6000,8000,10000,12000" },
    "noble-rates": { type: "string", default: "1000,1500,2000" },
    "bare-rates": { type: "string", default: "12000" },
    "slo-p99-ms": { type: "string", default: "50" },
    window: { type: "string", default: "4" },
    "closed-window": { type: "string", default: "2" },
    warmup: { type: "string", default: "3000" },
    "noble-warmup": { type: "string", default: "20000" },
    measure: { type: "string", default: "10000" },
    /** Verify-pool sizes, comma-separated ("all" = the cores); each mode runs once per size. */
    "pool-size": { type: "string" },
    /** Before publishing, how long to measure the gateway idle with every device connected (0: not). */
    "idle-ms": { type: "string", default: "5000" },
    "group-commit-ms": { type: "string" },
    /** SqliteStore's groupCommitEnough (its default when absent). */
    "group-commit-enough": { type: "string" },
    /** gateway.verifyInlineMaxLoad (the gateway's default when absent; 0: every reading to the pool). */
    "inline-max-load": { type: "string" },
    /** gateway.verifyGatherMs (the gateway's default when absent). */
    "gather-ms": { type: "string" },
    "skip-closed": { type: "boolean", default: false },
    "batch-max-size": { type: "string", default: "10000" },
    "batch-max-age": { type: "string", default: "5000" },
  },
});

const PARAMETERS = {
  devices: Number(args.devices),
  modes: args.modes!.split(",") as Mode[],
  rounds: Number(args.rounds),
  /** Open-loop rates of the native runs, readings/s (the target is the last). */
  rates: args.rates!.split(",").map(Number),
  /** Open-loop rates of the noble runs. */
  nobleRates: args["noble-rates"]!.split(",").map(Number),
  /** Open-loop rates of the bare aedes and diagnostic runs. */
  bareRates: args["bare-rates"]!.split(",").map(Number),
  /** A rate is sustained when its median PUBACK p99 is at most this and 99 % of it is acknowledged. */
  sloP99Ms: Number(args["slo-p99-ms"]),
  /** Most readings awaiting PUBACK per device, open loop. */
  openWindow: Number(args.window),
  /** Readings in flight per device, closed loop (total in flight = devices × this). */
  closedWindow: Number(args["closed-window"]),
  warmupMs: Number(args.warmup),
  /**
   * The noble workers build a precomputed table per device key on its first reading (~14 ms each, 1,000
   * devices): a longer warm-up so that the measured window sees the steady state, not the cold start.
   */
  nobleWarmupMs: Number(args["noble-warmup"]),
  measureMs: Number(args.measure),
  verifyPoolSizes:
    args["pool-size"] === undefined
      ? (["default (cores)"] as const)
      : args["pool-size"].split(",").map((p) => (p === "all" ? availableParallelism() : Number(p))),
  idleMs: Number(args["idle-ms"]),
  groupCommitMs: args["group-commit-ms"] === undefined ? "default" : Number(args["group-commit-ms"]),
  groupCommitEnough:
    args["group-commit-enough"] === undefined ? "default" : Number(args["group-commit-enough"]),
  verifyInlineMaxLoad: args["inline-max-load"] === undefined ? "default" : Number(args["inline-max-load"]),
  verifyGatherMs: args["gather-ms"] === undefined ? "default" : Number(args["gather-ms"]),
  /** The gateway's batcher: a batch seals at this many readings or this age (the gateway default is 60 s). */
  batchMaxSize: Number(args["batch-max-size"]),
  batchMaxAgeMs: Number(args["batch-max-age"]),
  messageBytes: 0,
};

const PER_DEVICE = Math.ceil(
  Math.max(
    // The closed loop runs as fast as the gateway allows: enough messages for 20,000/s.
    Math.max(...PARAMETERS.rates, args["skip-closed"] ? 0 : 20_000) *
      (PARAMETERS.warmupMs + PARAMETERS.measureMs),
    Math.max(...PARAMETERS.nobleRates) * (PARAMETERS.nobleWarmupMs + PARAMETERS.measureMs),
  ) /
    1000 /
    PARAMETERS.devices,
);

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** native, noble: the gateway with that verifier; bare: aedes alone; noverify: diagnostic, no decode/verify. */
type Mode = "native" | "noble" | "bare" | "noverify";

type Run = {
  kind: "open" | "closed";
  /** Verify-pool size, or undefined for the gateway's default. */
  verifyPoolSize: number | undefined;
  /** Gateway CPU with every device connected and nothing published, in cores (measured on request). */
  idleCpuCores?: number;
  store?: StoreSize;
  /** Gateway CPU per accepted reading by group of threads (see GatewayProcessStats.threadCpuMs), µs. */
  threadMicrosPerReading?: Record<string, number>;
  /** Cores a busy loop could get just before the run (2.0 = an idle 2-core machine). */
  availableCores: number;
  result: LoadResult;
  gateway: Record<string, number | undefined>;
};

async function runOnce(
  mode: Mode,
  kind: "open" | "closed",
  rate: number | undefined,
  identities: DeviceIdentity[],
  chains: Uint8Array[][],
  devicesFile: string,
  dir: string,
  round: number,
  poolSize: number | undefined,
  measureIdle: boolean,
): Promise<Run> {
  const dbPath = join(dir, `${mode}-${kind}-${rate ?? "max"}-${poolSize ?? "d"}-${round}.db`);
  const availableCores = await probeAvailableCores();
  const gateway = await spawnGatewayProcess({
    kind: mode === "bare" ? "bare" : mode === "noverify" ? "noverify" : "gateway",
    dbPath,
    devicesFile,
    config: {
      verifier: mode === "noble" ? "noble" : "native",
      ...(poolSize === undefined ? {} : { verifyPoolSize: poolSize }),
      // The benchmark's devices publish far faster than real sensors, all from 127.0.0.1.
      deviceRatePerSecond: 100_000,
      deviceRateBurst: 100_000,
      connectRatePerIpPerSecond: 100_000,
      connectBurstPerIp: 100_000,
      revocationPollMs: 0,
      ...(typeof PARAMETERS.verifyGatherMs === "number" ? { verifyGatherMs: PARAMETERS.verifyGatherMs } : {}),
      ...(typeof PARAMETERS.verifyInlineMaxLoad === "number"
        ? { verifyInlineMaxLoad: PARAMETERS.verifyInlineMaxLoad }
        : {}),
      batchMaxAgeMs: PARAMETERS.batchMaxAgeMs,
      batchMaxSize: PARAMETERS.batchMaxSize,
    },
    ...(typeof PARAMETERS.groupCommitMs === "number" ? { groupCommitMs: PARAMETERS.groupCommitMs } : {}),
    ...(typeof PARAMETERS.groupCommitEnough === "number"
      ? { groupCommitEnough: PARAMETERS.groupCommitEnough }
      : {}),
  });
  let idleCpuCores: number | undefined;
  let stored = false;
  try {
    const now = Math.floor(Date.now() / 1000);
    const result = await runLoad({
      port: gateway.port,
      devices: identities.map((identity, d) => ({
        address: identity.address,
        password: signConnectToken(identity, now),
        messages: chains[d]!,
      })),
      ...(rate === undefined ? {} : { ratePerSecond: rate }),
      window: kind === "closed" ? PARAMETERS.closedWindow : PARAMETERS.openWindow,
      warmupMs: mode === "noble" ? PARAMETERS.nobleWarmupMs : PARAMETERS.warmupMs,
      measureMs: PARAMETERS.measureMs,
      // A bare aedes checks nothing: it may see the same messages again, so its closed loop never runs dry.
      cycle: mode === "bare",
      beforePublishing: async () => {
        if (measureIdle && PARAMETERS.idleMs > 0) {
          // Every device connected, nothing published: what the gateway burns waiting (timers, polling).
          await gateway.reset();
          await new Promise((resolve) => setTimeout(resolve, PARAMETERS.idleMs));
          const idle = await gateway.stats();
          idleCpuCores = Math.round(((idle.cpuUserMs + idle.cpuSystemMs) / idle.elapsedMs) * 10_000) / 10_000;
        }
        await gateway.reset();
      },
    });
    const stats = await gateway.stats();
    const seconds = stats.elapsedMs / 1000;
    const accepted = metricValue(stats.metrics, "sealtrail_readings_accepted_total");
    const cpuMs = stats.cpuUserMs + stats.cpuSystemMs;
    await gateway.close();
    const store = mode === "bare" ? undefined : measureStoreSize(dbPath);
    stored = true;
    const perReading = (ms: number) => Math.round((ms * 1000) / (accepted ?? 1));
    const threadMicrosPerReading = accepted
      ? Object.fromEntries(Object.entries(stats.threadCpuMs ?? {}).map(([k, ms]) => [k, perReading(ms)]))
      : undefined;
    const verifyBusySeconds = metricValue(stats.metrics, "sealtrail_verify_pool_busy_seconds_total");
    return {
      kind,
      verifyPoolSize: poolSize,
      ...(threadMicrosPerReading ? { threadMicrosPerReading } : {}),
      availableCores,
      ...(idleCpuCores === undefined ? {} : { idleCpuCores }),
      ...(store ? { store } : {}),
      result,
      gateway: {
        cpuCoresUsed: Math.round((cpuMs / 1000 / seconds) * 100) / 100,
        /**
         * Process CPU (every thread) from the reset before publishing to the last PUBACK of the drain,
         * over the readings accepted in that time: warm-up included, connections not.
         */
        cpuMicrosPerReading: accepted ? perReading(cpuMs) : undefined,
        /** Time the verify workers spent in verification proper (decode, checks, signature), per reading. */
        verifyMicrosPerReading:
          accepted && verifyBusySeconds !== undefined ? perReading(verifyBusySeconds * 1000) : undefined,
        readingsPerCommit:
          stats.groupCommits && stats.groupCommitMessages !== undefined
            ? Math.round((stats.groupCommitMessages / stats.groupCommits) * 10) / 10
            : undefined,
        mainThreadUtilization: Math.round(stats.eventLoopUtilization * 100) / 100,
        rssMiB: stats.rssMiB,
        accepted,
        refused: metricValue(stats.metrics, "sealtrail_refused_total"),
        /** Share of the checks run on the main thread (AdaptiveVerifier) rather than the pool. */
        inlineShare: (() => {
          const inline = metricValue(stats.metrics, "sealtrail_verify_inline_readings_total") ?? 0;
          const pooled = metricValue(stats.metrics, "sealtrail_verify_pool_readings_total") ?? 0;
          return inline + pooled > 0 ? Math.round((inline / (inline + pooled)) * 100) / 100 : undefined;
        })(),
        readingsPerVerifyBatch: (() => {
          const readings = metricValue(stats.metrics, "sealtrail_verify_pool_readings_total") ?? 0;
          const batches = metricValue(stats.metrics, "sealtrail_verify_pool_batches_total") ?? 0;
          return batches > 0 ? Math.round((readings / batches) * 10) / 10 : undefined;
        })(),
      },
    };
  } finally {
    if (!stored) await gateway.close();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${dbPath}${suffix}`, { force: true });
  }
}

function summary(runs: Run[]) {
  const pick = (f: (r: Run) => number) => Math.round(median(runs.map(f)) * 100) / 100;
  return {
    rounds: runs.length,
    ackedPerSecond: pick((r) => r.result.ackedPerSecond),
    sentPerSecond: pick((r) => r.result.sentPerSecond),
    latencyP50Ms: pick((r) => r.result.latencyMs.p50),
    latencyP99Ms: pick((r) => r.result.latencyMs.p99),
    availableCores: pick((r) => r.availableCores),
    gatewayCpuCores: pick((r) => r.gateway.cpuCoresUsed ?? 0),
    gatewayMainThreadUtilization: pick((r) => r.gateway.mainThreadUtilization ?? 0),
    gatewayCpuMicrosPerReading: pick((r) => r.gateway.cpuMicrosPerReading ?? 0),
    readingsPerCommit: pick((r) => r.gateway.readingsPerCommit ?? 0),
    bytesPerStoredMessage: pick((r) => r.store?.bytesPerMessage ?? 0),
    messagesTableBytesPerMessage: pick((r) => r.store?.messagesTableBytesPerMessage ?? 0),
    generatorCpuMs: pick((r) => r.result.generatorCpuMs),
  };
}

function line(label: string, r: LoadResult, g: Run["gateway"], cores: number): string {
  return (
    `  [${cores.toFixed(2)} cores free] ` +
    `  ${label.padEnd(24)} acked ${String(r.ackedPerSecond).padStart(6)}/s  sent ${String(r.sentPerSecond).padStart(6)}/s` +
    `  p50 ${r.latencyMs.p50.toFixed(1).padStart(6)} ms  p99 ${r.latencyMs.p99.toFixed(1).padStart(7)} ms` +
    `  gw cpu ${g.cpuCoresUsed} cores, ${g.cpuMicrosPerReading ?? "-"} µs/reading, main ${g.mainThreadUtilization}` +
    `, ${g.readingsPerVerifyBatch ?? "-"}/verify batch, inline ${g.inlineShare ?? "-"}, ${g.readingsPerCommit ?? "-"}/commit` +
    (r.unacknowledged || r.closedByGateway ? `  unacked ${r.unacknowledged} closed ${r.closedByGateway}` : "")
  );
}

const started = new Date();
const machineAtStart = machineInfo();
log(
  `ingest benchmark: ${PARAMETERS.devices} devices, modes ${PARAMETERS.modes.join(", ")}, ${PARAMETERS.rounds} round(s)`,
);
log(
  `  machine: ${machineAtStart.cpuModel}, ${machineAtStart.cores} cores, load ${machineAtStart.loadAverage.join(" ")}`,
);
const identities = benchIdentities(PARAMETERS.devices);
const chains = preSignChains(
  identities,
  PER_DEVICE,
  join(import.meta.dirname, "results", `ingest-presigned-${PARAMETERS.devices}`),
  log,
);
PARAMETERS.messageBytes = chains[0]![0]!.length;
const dir = mkdtempSync(join(tmpdir(), "sealtrail-bench-ingest-"));
const devicesFile = join(dir, "devices.json");
writeFileSync(devicesFile, JSON.stringify(identities.map((i) => bytesToHex(i.publicKey))));

const poolSizes: (number | undefined)[] = PARAMETERS.verifyPoolSizes.map((p) =>
  typeof p === "number" ? p : undefined,
);
try {
  // A bare aedes has no verify pool: it runs once.
  for (const mode of PARAMETERS.modes)
    for (const poolSize of mode === "bare" ? [undefined] : poolSizes) await runMode(mode, poolSize);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
log(
  `\nload average at end: ${machineInfo().loadAverage.join(" ")}; reports in bench/results/ingest-<mode>[-pool<n>].json`,
);

async function runMode(mode: Mode, poolSize: number | undefined): Promise<void> {
  {
    const title = {
      native: "native verifier",
      noble: "noble verifier",
      bare: "bare aedes (no hooks, no storage)",
      noverify: "gateway without decoding/verification (diagnostic)",
    }[mode];
    log(`\n${title}${poolSize === undefined ? "" : `, verify pool of ${poolSize}`}:`);
    const runs: Run[] = [];
    const rates =
      mode === "noble" ? PARAMETERS.nobleRates : mode === "native" ? PARAMETERS.rates : PARAMETERS.bareRates;
    for (let round = 1; round <= PARAMETERS.rounds; round++) {
      const plan: [Run["kind"], number | undefined][] = rates.map((r) => ["open", r]);
      if (!args["skip-closed"]) plan.push(["closed", undefined]);
      for (const [i, [kind, rate]] of plan.entries()) {
        // Idle once per round: it does not depend on the rate.
        const measureIdle = i === 0 && mode !== "bare";
        const run = await runOnce(
          mode,
          kind,
          rate,
          identities,
          chains,
          devicesFile,
          dir,
          round,
          poolSize,
          measureIdle,
        );
        if (run.idleCpuCores !== undefined)
          log(`  idle, ${PARAMETERS.devices} devices connected: ${run.idleCpuCores} cores`);
        runs.push(run);
        const label = kind === "open" ? `open loop ${rate}/s #${round}` : `closed loop #${round}`;
        log(line(label, run.result, run.gateway, run.availableCores));
        if (run.threadMicrosPerReading) {
          const parts = Object.entries(run.threadMicrosPerReading).map(([k, us]) => `${k} ${us}`);
          log(
            `      µs/reading by thread: ${parts.join(", ")}; verifying proper ${run.gateway.verifyMicrosPerReading ?? "-"}`,
          );
        }
      }
    }
    const openLoop = rates.map((rate) => ({
      offeredPerSecond: rate,
      ...summary(runs.filter((r) => r.kind === "open" && r.result.offeredPerSecond === rate)),
    }));
    const sustained = openLoop.filter(
      (o) => o.latencyP99Ms <= PARAMETERS.sloP99Ms && o.ackedPerSecond >= 0.99 * o.offeredPerSecond,
    );
    const closed = runs.filter((r) => r.kind === "closed");
    const idle = runs.flatMap((r) => (r.idleCpuCores === undefined ? [] : [r.idleCpuCores]));
    const report = {
      benchmark: "ingest",
      mode,
      verifyPoolSize: poolSize ?? "default (cores)",
      command: `npm run bench:ingest -- ${process.argv.slice(2).join(" ")}`.trim(),
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: { ...machineAtStart, loadAverageAtEnd: machineInfo().loadAverage },
      versions: packageVersions([
        "aedes",
        "mqtt-packet",
        "better-sqlite3",
        "secp256k1",
        "@noble/secp256k1",
        "@noble/curves",
        "hash-wasm",
        "cbor-x",
      ]),
      // The gateway child chooses as this process does (SEALTRAIL_SECP256K1, default auto).
      libsecp256k1: nativeBackend(),
      parameters: PARAMETERS,
      medians: {
        openLoop,
        /** Highest open-loop rate acknowledged in full with p99 within the SLO. */
        sustainedAtSloPerSecond: sustained.at(-1)?.offeredPerSecond ?? null,
        ...(idle.length ? { idleCpuCores: median(idle) } : {}),
        ...(closed.length ? { closedLoop: summary(closed) } : {}),
      },
      runs,
    };
    for (const m of openLoop) {
      log(
        `  median open loop ${m.offeredPerSecond}/s: ${m.ackedPerSecond}/s acknowledged, p50 ${m.latencyP50Ms} ms, p99 ${m.latencyP99Ms} ms` +
          `, ${m.gatewayCpuCores} cores, ${m.gatewayCpuMicrosPerReading} µs/reading, ${m.readingsPerCommit}/commit, ${m.bytesPerStoredMessage} B/reading on disk (messages table + indexes ${m.messagesTableBytesPerMessage})`,
      );
    }
    log(
      `  highest rate acknowledged in full with p99 <= ${PARAMETERS.sloP99Ms} ms: ${report.medians.sustainedAtSloPerSecond ?? "none of"} /s`,
    );
    if (report.medians.closedLoop) {
      const c = report.medians.closedLoop;
      log(
        `  median closed loop (ceiling): ${c.ackedPerSecond}/s, p50 ${c.latencyP50Ms} ms, p99 ${c.latencyP99Ms} ms`,
      );
    }
    const suffix = poolSize === undefined ? "" : `-pool${poolSize}`;
    writeReport(join(import.meta.dirname, "results", `ingest-${mode}${suffix}.json`), report);
  }
}
