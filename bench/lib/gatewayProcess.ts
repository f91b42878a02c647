// Child process of the ingest benchmarks: runs the gateway (or a bare aedes) on its own so that the load
// generator in the parent does not share its event loop. Talks to the parent over the IPC channel:
// sends {type: "ready", port} once listening; answers {type: "stats"} and {type: "close"}.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { performance } from "node:perf_hooks";
import { Aedes } from "aedes";
import { Gateway, parseGatewayConfig, SqliteStore } from "#gateway";
import { hexToBytes } from "#protocol";

export type GatewayProcessSpec = {
  /**
   * gateway: the real thing. bare: aedes without hooks. noverify: the gateway with a reading verifier
   * that checks nothing (a diagnostic: what everything but decoding and verifying costs).
   */
  kind: "gateway" | "bare" | "noverify";
  dbPath: string;
  /** JSON file: array of compressed public keys, hex. */
  devicesFile: string;
  config: Record<string, unknown>;
  groupCommitMs?: number;
  groupCommitMaxSize?: number;
  groupCommitEnough?: number;
};

export type GatewayProcessStats = {
  /** Since the last reset. */
  elapsedMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  eventLoopUtilization: number;
  rssMiB: number;
  /** Resident set size right now and at its peak (VmHWM), KiB, from /proc (Linux). */
  rssKiB: number;
  peakRssKiB: number;
  metrics: string;
  /** Group commits of the store since the last reset and the readings they held (absent for bare aedes). */
  groupCommits?: number;
  groupCommitMessages?: number;
  /**
   * CPU ms since the last reset per group of threads (Linux /proc/self/task), told apart by when each
   * thread appeared (Node 22 does not name worker threads): "main+runtime" (before the store opened: the
   * event loop, V8's GC and compiler helpers, libuv), "sqlite writer" (while the store opened), "verify
   * pool" (while the gateway started), "later" (anything after: the Merkle root builder, started by the
   * first batch, and any libuv pool thread).
   */
  threadCpuMs?: Record<string, number>;
};

/** utime + stime of each thread of this process, in clock ticks (USER_HZ, 100 on Linux). */
function threadTicks(): Map<string, number> {
  const out = new Map<string, number>();
  try {
    for (const tid of readdirSync("/proc/self/task")) {
      try {
        // Fields after the ")" that closes the name: state is field 3, utime 14, stime 15.
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        out.set(tid, Number(fields[11]) + Number(fields[12]));
      } catch {} // the thread ended meanwhile
    }
  } catch {} // not Linux
  return out;
}

const threadGroup = new Map<string, string>();
/** Labels the threads not yet labelled: those that appeared since the previous call. */
function labelNewThreads(label: string): void {
  for (const tid of threadTicks().keys()) if (!threadGroup.has(tid)) threadGroup.set(tid, label);
}
labelNewThreads("main+runtime");

function procStatus(field: string): number {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync("/proc/self/status", "utf8"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

const spec = JSON.parse(process.argv[2] ?? "{}") as GatewayProcessSpec;
const send = (message: unknown) => process.send?.(message);

let close: () => Promise<void>;
let metricsText: () => Promise<string> = async () => "";
let revoke: (address: string) => Promise<void> = async () => {};
let commitStats: () => { commits: number; messages: number } | undefined = () => undefined;
let port: number;

if (spec.kind === "bare") {
  // The comparison: aedes with no hooks at all — PUBACK at once, nothing verified, nothing stored.
  const aedes = await Aedes.createBroker({ maxClientsIdLength: 42 });
  const server: Server = createServer({ noDelay: true }, aedes.handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as { port: number }).port;
  close = async () => {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
} else {
  labelNewThreads("main+runtime");
  const store = SqliteStore.open(spec.dbPath, {
    ...(spec.groupCommitMs === undefined ? {} : { groupCommitMs: spec.groupCommitMs }),
    ...(spec.groupCommitMaxSize === undefined ? {} : { groupCommitMaxSize: spec.groupCommitMaxSize }),
    ...(spec.groupCommitEnough === undefined ? {} : { groupCommitEnough: spec.groupCommitEnough }),
  });
  // The writer thread starts on first use; asking its settings starts it now, so that it can be told apart.
  await store.connectionSettings();
  labelNewThreads("sqlite writer");
  let counter = 0;
  const gateway = new Gateway({
    config: parseGatewayConfig({ mqttPort: 0, ...spec.config }),
    store,
    anchorChains: [],
    ...(spec.kind === "noverify"
      ? {
          verifier: {
            verify: async () => {
              counter++;
              return {
                messageId: `0x${counter.toString(16).padStart(64, "0")}` as const,
                seq: counter,
                ts: Date.now() - 1000,
                payloadJson: "{}",
              };
            },
          },
        }
      : {}),
  });
  const keys = JSON.parse(readFileSync(spec.devicesFile, "utf8")) as string[];
  for (const [i, key] of keys.entries())
    await gateway.registry.register(hexToBytes(key as `0x${string}`), `bench ${i}`);
  await gateway.start();
  labelNewThreads("verify pool");
  port = gateway.mqttPort;
  metricsText = () => gateway.metrics.registry.metrics();
  commitStats = () => store.groupCommitStats();
  revoke = async (address) => {
    await gateway.registry.revoke(address as `0x${string}`);
  };
  close = async () => {
    await gateway.close();
    await store.close();
  };
}

const eluStart = performance.eventLoopUtilization();
let cpuStart = process.cpuUsage();
let eluFrom = eluStart;
let resetAt = performance.now();
let commitsFrom = commitStats();
let ticksFrom = threadTicks();

process.on("message", async (message: { type: string }) => {
  if (message.type === "reset") {
    cpuStart = process.cpuUsage();
    eluFrom = performance.eventLoopUtilization();
    resetAt = performance.now();
    commitsFrom = commitStats();
    ticksFrom = threadTicks();
    try {
      writeFileSync("/proc/self/clear_refs", "5"); // Linux: restart the peak RSS (VmHWM) from now
    } catch {}
    send({ type: "reset" });
  } else if (message.type === "stats") {
    const cpu = process.cpuUsage(cpuStart);
    const stats: GatewayProcessStats = {
      elapsedMs: performance.now() - resetAt,
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      eventLoopUtilization: performance.eventLoopUtilization(eluFrom).utilization,
      rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
      rssKiB: procStatus("VmRSS"),
      peakRssKiB: procStatus("VmHWM"),
      metrics: await metricsText(),
    };
    const threadCpuMs: Record<string, number> = {};
    for (const [tid, ticks] of threadTicks()) {
      const group = threadGroup.get(tid) ?? "later";
      threadCpuMs[group] = (threadCpuMs[group] ?? 0) + (ticks - (ticksFrom.get(tid) ?? 0)) * 10;
    }
    stats.threadCpuMs = threadCpuMs;
    const commits = commitStats();
    if (commits && commitsFrom) {
      stats.groupCommits = commits.commits - commitsFrom.commits;
      stats.groupCommitMessages = commits.messages - commitsFrom.messages;
    }
    send({ type: "stats", stats });
  } else if (message.type === "revoke") {
    await revoke((message as unknown as { address: string }).address);
    send({ type: "revoked" });
  } else if (message.type === "close") {
    await close();
    send({ type: "closed" });
    process.exit(0);
  }
});
process.on("disconnect", () => process.exit(0));
send({ type: "ready", port });
