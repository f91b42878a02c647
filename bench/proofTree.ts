/**
 * How long the API's first proof of a large batch holds the event loop: the batch's Merkle tree built in
 * place versus on a worker thread (`buildBatchTree`, from 20,000 ids). A program, not a test: it prints and
 * writes bench/results/proof-tree.json with the machine, versions and medians. The ids are random 0x-hex
 * strings, as the store returns them; a timer every 5 ms measures the longest stall of the event loop.
 *
 *   bin/dev npm run bench:prooftree                  # 100k and 1M ids, 3 rounds (~2 min)
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildBatchTree } from "#api";
import { bytesToHex, type Hex, prepareHashes } from "#protocol";
import { machineInfo, median, packageVersions, writeReport } from "./lib/report.ts";

const { values: args } = parseArgs({
  options: {
    sizes: { type: "string", default: "100000,1000000" },
    rounds: { type: "string", default: "3" },
  },
});
const PARAMETERS = { sizes: args.sizes!.split(",").map(Number), rounds: Number(args.rounds), tickMs: 5 };

/** Runs `work` while a timer ticks every few ms; returns its duration and the longest gap between ticks. */
async function timed(work: () => Promise<unknown>): Promise<{ ms: number; longestStallMs: number }> {
  let last = performance.now();
  let longest = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, PARAMETERS.tickMs);
  await new Promise((r) => setTimeout(r, 20));
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  await new Promise((r) => setTimeout(r, 20));
  clearInterval(ticker);
  return { ms: Math.round(ms), longestStallMs: Math.round(longest) };
}

await prepareHashes();
const machine = machineInfo();
console.log(
  `proof tree benchmark: ${machine.cpuModel}, ${machine.cores} cores, load ${machine.loadAverage.join(" ")}`,
);
const results = [];
for (const size of PARAMETERS.sizes) {
  const ids: Hex[] = Array.from({ length: size }, () => bytesToHex(new Uint8Array(randomBytes(32))));
  type Timing = { ms: number; longestStallMs: number };
  const runs = { inPlace: [] as Timing[], worker: [] as Timing[] };
  for (let round = 0; round < PARAMETERS.rounds; round++) {
    runs.inPlace.push(await timed(() => buildBatchTree(ids, { offThreadFrom: Number.POSITIVE_INFINITY })));
    runs.worker.push(await timed(() => buildBatchTree(ids, { offThreadFrom: 1 })));
  }
  const summary = (r: Timing[]) => ({
    ms: median(r.map((x) => x.ms)),
    longestStallMs: median(r.map((x) => x.longestStallMs)),
  });
  const row = { size, inPlace: summary(runs.inPlace), worker: summary(runs.worker), runs };
  results.push(row);
  console.log(
    `  ${size.toLocaleString("en")} ids: in place ${row.inPlace.ms} ms (event loop held ${row.inPlace.longestStallMs} ms); ` +
      `worker ${row.worker.ms} ms (event loop held ${row.worker.longestStallMs} ms at most)`,
  );
}
const out = join(import.meta.dirname, "results", "proof-tree.json");
writeReport(out, {
  format: "sealtrail-bench-proof-tree-v1",
  startedAt: new Date().toISOString(),
  machine,
  versions: packageVersions(["hash-wasm"]),
  parameters: PARAMETERS,
  medians: results.map(({ runs: _runs, ...rest }) => rest),
  results,
});
console.log(`report: ${out}`);
