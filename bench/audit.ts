/**
 * How long `sealtrail audit` takes, as a whole process, on a device window of 100,000 signed readings
 * anchored on a local Hardhat chain (the target: >= 5,000 readings/s, the 100,000-reading audit in
 * <= 30 s on these 2 cores). A program, not a test: it prints and writes bench/results/audit.json with the
 * machine, versions, parameters and medians.
 *
 * The sensor's readings and their batches are bench:evidence's (one of ours every `spreadEvery` messages,
 * batches of `batchSize`); every batch root is anchored for real, `anchorBatch` of 100 roots a transaction,
 * by the harness's anchorRootsDirectly (test/anchoring/harness.ts), so each anchor record
 * is a real receipt, log, block and `anchoredAt`. Then, in the same session:
 *   1. `sealtrail audit <package.json> --rpc <node> --report <file.md>`, `rounds` times, wall clock;
 *   2. the same with --resume, interrupted (SIGINT) once half the parts are done, then run again: the
 *      second run's time;
 *   3. where the time goes, in this process: reading + JSON.parse, and the verifier's phases (signatures,
 *      proofs, anchors, journey) from its progress callbacks, for one verification of the whole package;
 *   4. the offline work split by kind (base64, decoding and message ids, signatures, leaves and
 *      multiproofs), one pass each with #protocol's and #evidence's public functions.
 *
 *   bin/dev npm run bench:audit
 *   bin/dev npm run bench:audit -- --readings 20000 --rounds 1
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  base64ToBytes,
  buildEvidencePackage,
  type EvidencePackage,
  processMultiProof,
  verifyEvidencePackage,
} from "#evidence";
import {
  bytesToHex,
  compareBytes,
  decodeReading,
  hexToBytes,
  merkleLeafHash,
  nobleVerifier,
  prepareHashes,
  type SignatureVerifier,
  verifyDecodedCoseSign1,
} from "#protocol";
import { anchorRootsDirectly, startChainFixture } from "../test/anchoring/harness.ts";
import { machineInfo, median, packageVersions, writeReport } from "./lib/report.ts";
import { benchEvidenceSource, benchSensor, layoutBatches, signSensorReadings } from "./lib/sensorEvidence.ts";

const { values: args } = parseArgs({
  options: {
    readings: { type: "string", default: "100000" },
    "batch-size": { type: "string", default: "2000" },
    "spread-every": { type: "string", default: "20" },
    rounds: { type: "string", default: "3" },
    threads: { type: "string", default: "1,2" },
  },
});
const PARAMETERS = {
  readings: Number(args.readings),
  batchSize: Number(args["batch-size"]),
  spreadEvery: Number(args["spread-every"]),
  rounds: Number(args.rounds),
  threads: args.threads.split(",").map(Number),
  rootsPerAnchorTransaction: 100,
} as const;
const MIN = 60_000;
const T0 = Date.parse("2026-09-01T00:00:00Z");
const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));
const log = (line: string) => process.stdout.write(`${line}\n`);

async function fastestVerifier(): Promise<SignatureVerifier> {
  try {
    const { nativeVerifier, nativeBackend } = await import("#protocol/native");
    nativeBackend();
    return nativeVerifier;
  } catch {
    return nobleVerifier;
  }
}

type Exit = { code: number | null; ms: number; stdout: string; stderr: string };
/** `sealtrail audit …` as an auditor runs it: a new Node process (tsx), timed from spawn to exit. */
function audit(argv: string[], onStart?: (child: ReturnType<typeof spawn>) => void): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", "audit", ...argv], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, ms: performance.now() - start, stdout, stderr }));
    onStart?.(child);
  });
}

async function main() {
  log(`bench:audit ${JSON.stringify(PARAMETERS)}`);
  const loadAtStart = machineInfo().loadAverage;
  await prepareHashes();
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-bench-audit-"));
  const fx = await startChainFixture();
  try {
    let t = performance.now();
    const readings = signSensorReadings(PARAMETERS.readings, T0);
    const batches = layoutBatches(readings, PARAMETERS.batchSize, PARAMETERS.spreadEvery);
    log(
      `  signed ${readings.length} readings, ${batches.trees.length} batch trees in ${Math.round(performance.now() - t)} ms`,
    );

    t = performance.now();
    const anchorOfRoot = await anchorRootsDirectly(
      fx,
      batches.trees.map((tree) => tree.root),
      { perTransaction: PARAMETERS.rootsPerAnchorTransaction },
    );
    const anchors = new Map(batches.trees.map((tree, i) => [i + 1, anchorOfRoot.get(tree.root)!]));
    log(
      `  anchored ${anchors.size} roots in ${Math.ceil(anchors.size / PARAMETERS.rootsPerAnchorTransaction)} transactions in ${Math.round(performance.now() - t)} ms`,
    );

    t = performance.now();
    const to = T0 + (PARAMETERS.readings - 1) * MIN;
    const pkg = await buildEvidencePackage(
      {
        subject: { kind: "device", id: benchSensor.address, from: T0, to },
        generatedAt: to,
        profile: null,
        maxSilenceMs: 5 * MIN,
        journey: null,
        readings: readings.map((r) => r.id),
        devices: [benchSensor.address],
        claimed: { complete: true, verdict: null, gaps: [] },
      },
      benchEvidenceSource(readings, batches, (id) => [anchors.get(id)!], T0),
    );
    const file = join(dir, "package.json");
    writeFileSync(file, JSON.stringify(pkg));
    const packageBytes = statSync(file).size;
    log(`  package built in ${Math.round(performance.now() - t)} ms: ${(packageBytes / 1e6).toFixed(1)} MB`);

    // 1. The whole process, as an auditor runs it, with each --threads asked for.
    const report = join(dir, "audit.md");
    const byThreads: Record<
      string,
      { medianMs: number; roundsMs: number[]; cpuSeconds: number[]; partsMs: number[] }
    > = {};
    for (const threads of PARAMETERS.threads) {
      const runs: number[] = [];
      const cpuSeconds: number[] = [];
      let partsMs: number[] = [];
      for (let round = 0; round < PARAMETERS.rounds; round++) {
        rmSync(report, { force: true });
        const run = await audit([
          file,
          "--rpc",
          fx.chain.rpcUrl,
          "--report",
          report,
          "--threads",
          String(threads),
        ]);
        if (run.code !== 0) throw new Error(`audit exited ${run.code}: ${run.stdout}${run.stderr}`);
        runs.push(run.ms);
        cpuSeconds.push(
          (JSON.parse(readFileSync(join(dir, "audit.json"), "utf8")) as { processCpuSeconds: number })
            .processCpuSeconds,
        );
        partsMs = [...run.stderr.matchAll(/readings in (\d+) ms/g)].map((m) => Number(m[1]));
        log(
          `  sealtrail audit --threads ${threads}: ${(run.ms / 1000).toFixed(2)} s, CPU ${cpuSeconds.at(-1)} s (parts ${partsMs.join(", ")} ms; ${run.stdout.split("\n")[0]})`,
        );
      }
      byThreads[threads] = {
        medianMs: Math.round(median(runs)),
        roundsMs: runs.map(Math.round),
        cpuSeconds,
        partsMs,
      };
    }
    const best = Object.entries(byThreads).sort(([, a], [, b]) => a.medianMs - b.medianMs)[0]!;
    const wholeRuns = best[1].roundsMs;
    const auditJson = JSON.parse(readFileSync(join(dir, "audit.json"), "utf8")) as {
      parts: { total: number };
      report: { status: string; readings: { verified: number }; anchors: unknown[] };
    };
    if (auditJson.report.readings.verified !== readings.length || auditJson.report.status !== "valid")
      throw new Error(`the audit did not verify every reading: ${JSON.stringify(auditJson.report.readings)}`);

    // 2. Interrupted at half the parts, then resumed.
    const state = join(dir, "audit.state.json");
    const half = Math.ceil(readings.length / 5000 / 2);
    const interrupted = await audit(
      ["--part-readings", "5000", file, "--rpc", fx.chain.rpcUrl, "--resume", state],
      (child) => {
        const poll = setInterval(() => {
          try {
            const done = existsSync(state)
              ? (JSON.parse(readFileSync(state, "utf8")).done as unknown[]).length
              : 0;
            if (done >= half) {
              clearInterval(poll);
              child.kill("SIGINT");
            }
          } catch {
            // the state is being replaced: read it next time
          }
        }, 100);
        child.on("close", () => clearInterval(poll));
      },
    );
    const partsBefore = (JSON.parse(readFileSync(state, "utf8")).done as unknown[]).length;
    const resumed = await audit([
      "--part-readings",
      "5000",
      file,
      "--rpc",
      fx.chain.rpcUrl,
      "--resume",
      state,
    ]);
    if (resumed.code !== 0) throw new Error(`the resumed audit exited ${resumed.code}: ${resumed.stderr}`);
    log(
      `  interrupted after ${partsBefore}/${Math.ceil(readings.length / 5000)} parts (exit ${interrupted.code}, ${(interrupted.ms / 1000).toFixed(2)} s); resumed run ${(resumed.ms / 1000).toFixed(2)} s`,
    );

    // 3. Where the time goes, in this process, one verification of the whole package.
    t = performance.now();
    const value = JSON.parse(readFileSync(file, "utf8")) as unknown;
    const parseMs = performance.now() - t;
    const phases = new Map<string, { first: number; last: number }>();
    const verifier = await fastestVerifier();
    t = performance.now();
    const whole = await verifyEvidencePackage(value, {
      verifier,
      rpcUrls: [fx.chain.rpcUrl],
      onProgress: ({ phase }) => {
        const now = performance.now() - t;
        const p = phases.get(phase);
        if (p) p.last = now;
        else phases.set(phase, { first: now, last: now });
      },
    });
    const verifyMs = performance.now() - t;
    if (whole.report.status !== "valid") throw new Error(`in-process: ${whole.report.summary}`);
    const phaseMs = Object.fromEntries(
      [...phases].map(([phase, p]) => [phase, { fromMs: Math.round(p.first), toMs: Math.round(p.last) }]),
    );

    // 4. The offline work split by kind, over the same package, one pass each: what the verifier's phases
    //    (signatures and proofs interleave per batch) cannot tell apart.
    const split = offlineSplit(value as EvidencePackage, verifier);

    const medianMs = median(wholeRuns);
    const result = {
      readings: readings.length,
      batches: batches.trees.length,
      anchorTransactions: Math.ceil(anchors.size / PARAMETERS.rootsPerAnchorTransaction),
      packageBytes,
      parts: auditJson.parts.total,
      auditProcess: {
        byThreads,
        threads: Number(best[0]),
        cpuSecondsMedian: Math.round(median(best[1].cpuSeconds) * 10) / 10,
        medianMs: Math.round(medianMs),
        roundsMs: wholeRuns.map(Math.round),
        readingsPerSecond: Math.round(readings.length / (medianMs / 1000)),
        target: "100,000 readings in <= 30 s, >= 5,000 readings/s",
        targetMet:
          medianMs <= 30_000 * (readings.length / 100_000) && readings.length / (medianMs / 1000) >= 5000,
      },
      resume: {
        interruptedAfterParts: partsBefore,
        interruptedRunMs: Math.round(interrupted.ms),
        resumedRunMs: Math.round(resumed.ms),
      },
      offlineSplitMs: split,
      inProcess: {
        verifier: verifier.name,
        readAndParseMs: Math.round(parseMs),
        verifyMs: Math.round(verifyMs),
        phases: phaseMs,
      },
    };
    log("");
    log(
      `  sealtrail audit (whole process, --threads ${best[0]})   median ${(medianMs / 1000).toFixed(2)} s = ${result.auditProcess.readingsPerSecond} readings/s, CPU ${result.auditProcess.cpuSecondsMedian} s (target: ${result.auditProcess.targetMet ? "met" : "NOT met"})`,
    );
    log(`  in-process: parse ${result.inProcess.readAndParseMs} ms, verify ${result.inProcess.verifyMs} ms`);
    for (const [phase, p] of Object.entries(phaseMs)) log(`    ${phase.padEnd(11)} ${p.fromMs}–${p.toMs} ms`);
    log(`  offline split: ${JSON.stringify(split)}`);
    const out = new URL("./results/audit.json", import.meta.url).pathname;
    writeReport(out, {
      benchmark: "audit",
      date: new Date().toISOString(),
      machine: { ...machineInfo(), loadAverageAtStart: loadAtStart },
      versions: packageVersions(["@noble/hashes", "secp256k1", "@openzeppelin/merkle-tree", "hardhat"]),
      parameters: PARAMETERS,
      result,
    });
    log(`  wrote ${out}`);
  } finally {
    await fx.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One pass each over every reading: base64 + CBOR decode, message ids, signatures, leaves + multiproofs. */
function offlineSplit(pkg: EvidencePackage, verifier: SignatureVerifier) {
  const key = hexToBytes(pkg.keys.devices[0]!.publicKey, 33);
  const time = <T>(f: () => T): [T, number] => {
    const t = performance.now();
    const out = f();
    return [out, Math.round(performance.now() - t)];
  };
  const [raws, base64Ms] = time(() => pkg.batches.map((b) => b.readings.map((r) => base64ToBytes(r)!)));
  const [decoded, decodeMs] = time(() => raws.map((batch) => batch.map((raw) => decodeReading(raw))));
  const [, signaturesMs] = time(() => {
    for (const batch of decoded) for (const d of batch) verifyDecodedCoseSign1(d, d.kid, key, verifier);
  });
  const [, multiproofsMs] = time(() => {
    pkg.batches.forEach((b, i) => {
      const leaves = decoded[i]!.map((d) => merkleLeafHash(hexToBytes(d.messageId, 32))).sort(compareBytes);
      const root = processMultiProof(
        leaves,
        b.proof.map((h) => hexToBytes(h, 32)),
        b.flags,
      );
      if (root === null || bytesToHex(root) !== b.root.toLowerCase())
        throw new Error(`batch ${i} does not prove`);
    });
  });
  return { base64Ms, decodeAndMessageIdsMs: decodeMs, signaturesMs, leavesAndMultiproofsMs: multiproofsMs };
}

await main();
