/**
 * How large the SQLite WAL grows under sustained ingest: fills a fresh SqliteStore through insertMessage (the
 * writer thread, group commits, the checkpoint thread) with realistic signed readings — 1,000 devices
 * (`--devices`), `--per-device` each, a round of one reading per device at a time, `--in-flight` rounds
 * outstanding (a gateway under overload) — and samples the -wal file every 100 ms. A WAL that restarts stays
 * near the pages written between two checkpoints; one that never restarts grows with everything written.
 *
 *   bin/dev npm exec -- tsx bench/walGrowth.ts [--devices 1000] [--per-device 200] [--in-flight 4]
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { SqliteStore } from "../gateway/store/sqlite/SqliteStore.ts";
import { benchIdentities, preSignChains } from "./lib/benchDevices.ts";
import { readingRecord } from "./lib/readingRecord.ts";
import { machineInfo, writeReport } from "./lib/report.ts";

const { values } = parseArgs({
  options: {
    devices: { type: "string", default: "1000" },
    "per-device": { type: "string", default: "200" },
    "in-flight": { type: "string", default: "4" },
  },
});
const devices = Number(values.devices);
const perDevice = Number(values["per-device"]);
const inFlight = Number(values["in-flight"]);

const identities = benchIdentities(devices);
const chains = preSignChains(identities, perDevice, join(tmpdir(), `sealtrail-wal-growth-${devices}`), (l) =>
  console.log(l),
);
const dir = mkdtempSync(join(tmpdir(), "sealtrail-wal-growth-"));
const path = join(dir, "store.db");
const store = SqliteStore.open(path);
const now = Date.now();
const walBytes = () => {
  try {
    return statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
};
const samples: number[] = [];
const sampler = setInterval(() => samples.push(walBytes()), 100);

const started = performance.now();
const pending: Promise<unknown>[] = [];
for (let i = 0; i < perDevice; i++) {
  const round: Promise<unknown>[] = [];
  for (let d = 0; d < devices; d++) {
    const raw = chains[d]![i]!;
    round.push(store.insertMessage(readingRecord(raw, now + i * 1000 + d)));
  }
  pending.push(Promise.all(round));
  if (pending.length >= inFlight) await pending.shift();
}
await Promise.all(pending);
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
const dbBytes = statSync(path).size;
const finalWal = walBytes();
await store.close();
rmSync(dir, { recursive: true, force: true });

const readings = devices * perDevice;
const mib = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
const result = {
  readings,
  seconds: Math.round(seconds * 10) / 10,
  readingsPerSecond: Math.round(readings / seconds),
  walMaxMiB: mib(Math.max(0, ...samples)),
  walFinalMiB: mib(finalWal),
  databaseMiB: mib(dbBytes),
};
console.log(
  `${readings} readings in ${result.seconds} s (${result.readingsPerSecond}/s): WAL at most ${result.walMaxMiB} MiB, ${result.walFinalMiB} MiB at the end; database file ${result.databaseMiB} MiB`,
);
writeReport("bench/results/walGrowth.json", {
  machine: machineInfo(),
  devices,
  perDevice,
  inFlight,
  ...result,
});
