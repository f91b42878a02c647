/**
 * How large an evidence package is against the per-reading proof bundles it replaces, for a sensor record
 * of 30 days at one reading a minute (43,200 signed readings), and how fast the evidence verifier checks it
 * (offline part: signatures and multiproofs; the anchor reads are one per batch). A program, not a test:
 * it prints and writes bench/results/evidence.json with the machine, versions, parameters and figures.
 *
 * Batches are laid out as the provenance bench lays out its store: one of the sensor's readings every
 * `spreadEvery` other messages, batches of `batchSize` (so each batch holds ~batchSize/spreadEvery of ours
 * among the others' ids). The other messages are random ids: only their place in the trees matters here.
 * Each batch gets one `final` anchor record with a genesis hash, as a real deployment's would.
 *
 *   bin/dev npm run bench:evidence
 *   bin/dev npm run bench:evidence -- --days 2 --batch-size 1000 --spread-every 10
 */
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { buildEvidencePackage, verifyEvidencePackage } from "#evidence";
import {
  type AnchorRecord,
  bytesToHex,
  type Hex,
  keccak256,
  LEAF_ENCODING,
  nobleVerifier,
  PROOF_BUNDLE_FORMAT,
  type ProofBundle,
  prepareHashes,
  type SignatureVerifier,
} from "#protocol";
import { machineInfo, median, packageVersions, writeReport } from "./lib/report.ts";
import {
  benchEvidenceSource,
  layoutBatches,
  benchSensor as sensor,
  signSensorReadings,
} from "./lib/sensorEvidence.ts";

const { values: args } = parseArgs({
  options: {
    days: { type: "string", default: "30" },
    "batch-size": { type: "string", default: "2000" },
    "spread-every": { type: "string", default: "20" },
    rounds: { type: "string", default: "3" },
  },
});
const PARAMETERS = {
  days: Number(args.days),
  readings: Number(args.days) * 24 * 60,
  batchSize: Number(args["batch-size"]),
  spreadEvery: Number(args["spread-every"]),
  verifyRounds: Number(args.rounds),
} as const;
const MIN = 60_000;
const T0 = Date.parse("2026-10-01T00:00:00Z");
const ANCHOR = {
  chainId: 11155420,
  contract: `0x${"5f".repeat(20)}` as Hex,
  genesisHash: `0x${"9a".repeat(32)}` as Hex,
};
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

async function main() {
  log(`bench:evidence ${JSON.stringify(PARAMETERS)}`);
  await prepareHashes();
  let t = performance.now();
  const readings = signSensorReadings(PARAMETERS.readings, T0);
  log(`  signed ${readings.length} readings in ${Math.round(performance.now() - t)} ms`);

  // Batches: ours spread among random ids.
  t = performance.now();
  const batches = layoutBatches(readings, PARAMETERS.batchSize, PARAMETERS.spreadEvery);
  const { trees, batchOf } = batches;
  log(`  built ${trees.length} batch trees in ${Math.round(performance.now() - t)} ms`);
  const anchorOf = (batchId: number): AnchorRecord => ({
    chainId: ANCHOR.chainId,
    contract: ANCHOR.contract,
    txHash: bytesToHex(keccak256(new Uint8Array([batchId >> 8, batchId & 0xff]))),
    blockNumber: 1_000_000 + batchId,
    blockTimestamp: Math.floor(T0 / 1000) + batchId * 60,
    status: "final",
    genesisHash: ANCHOR.genesisHash,
  });

  // What the per-reading route serves for each reading (GET /readings/{id}/proof: indented JSON).
  t = performance.now();
  let bundleBytes = 0;
  let bundleCompactBytes = 0;
  const gzipSample: string[] = [];
  for (const [i, r] of readings.entries()) {
    const batchId = batchOf.get(r.id)!;
    const tree = trees[batchId - 1]!;
    const bundle: ProofBundle = {
      format: PROOF_BUNDLE_FORMAT,
      message: bytesToHex(r.raw),
      messageId: r.id,
      device: sensor.address,
      publicKey: bytesToHex(sensor.publicKey),
      reading: r.payload,
      merkle: { root: tree.root, proof: tree.getProof(r.id), leafEncoding: LEAF_ENCODING },
      anchors: [anchorOf(batchId)],
    };
    const served = `${JSON.stringify(bundle, null, 2)}\n`;
    bundleBytes += Buffer.byteLength(served);
    bundleCompactBytes += Buffer.byteLength(JSON.stringify(bundle));
    if (i < 1000) gzipSample.push(served);
  }
  const bundleGzipPerReading = gzipSync(gzipSample.join("")).length / gzipSample.length;
  log(`  per-reading bundles built in ${Math.round(performance.now() - t)} ms`);

  t = performance.now();
  const source = benchEvidenceSource(readings, batches, (batchId) => [anchorOf(batchId)], T0);
  const to = T0 + (PARAMETERS.readings - 1) * MIN;
  const pkg = await buildEvidencePackage(
    {
      subject: { kind: "device", id: sensor.address, from: T0, to },
      generatedAt: to,
      profile: null,
      maxSilenceMs: 5 * MIN,
      journey: null,
      readings: readings.map((r) => r.id),
      devices: [sensor.address],
      claimed: { complete: true, verdict: null, gaps: [] },
    },
    source,
  );
  const buildMs = performance.now() - t;
  const text = JSON.stringify(pkg);
  const packageBytes = Buffer.byteLength(text);
  const packageGzip = gzipSync(text).length;
  log(`  package built in ${Math.round(buildMs)} ms`);

  const verifier = await fastestVerifier();
  const times: number[] = [];
  for (let round = 0; round < PARAMETERS.verifyRounds; round++) {
    const start = performance.now();
    const { report } = await verifyEvidencePackage(JSON.parse(text), { verifier });
    times.push(performance.now() - start);
    if (report.readings.verified !== readings.length || report.failures.length > 0)
      throw new Error(`the package did not verify: ${report.summary}`);
  }
  const verifyMs = median(times);

  const result = {
    readings: readings.length,
    batches: trees.length,
    perReadingBundles: {
      totalBytes: bundleBytes,
      compactBytes: bundleCompactBytes,
      bytesPerReading: Math.round(bundleBytes / readings.length),
      gzipBytesPerReadingSample: Math.round(bundleGzipPerReading),
    },
    evidencePackage: {
      bytes: packageBytes,
      gzipBytes: packageGzip,
      bytesPerReading: Math.round(packageBytes / readings.length),
      multiproofHashes: pkg.batches.reduce((n, b) => n + b.proof.length, 0),
      buildMs: Math.round(buildMs),
    },
    ratio: Math.round((packageBytes / bundleBytes) * 1000) / 1000,
    ratioToCompactBundles: Math.round((packageBytes / bundleCompactBytes) * 1000) / 1000,
    target: "package <= 1/3 of the per-reading bundles",
    targetMet: packageBytes * 3 <= bundleBytes,
    verifyOffline: {
      verifier: verifier.name,
      medianMs: Math.round(verifyMs),
      readingsPerSecond: Math.round(readings.length / (verifyMs / 1000)),
      roundsMs: times.map(Math.round),
    },
  };
  log("");
  log(
    `  per-reading proof bundles (as served)  ${mb(bundleBytes)} (${result.perReadingBundles.bytesPerReading} B/reading; compact ${mb(bundleCompactBytes)})`,
  );
  log(
    `  evidence package                       ${mb(packageBytes)} (${result.evidencePackage.bytesPerReading} B/reading; gzip ${mb(packageGzip)})`,
  );
  log(
    `  ratio                                  ${result.ratio} (target <= 0.333: ${result.targetMet ? "met" : "NOT met"}; vs compact bundles ${result.ratioToCompactBundles})`,
  );
  log(
    `  verify offline (${verifier.name})        median ${result.verifyOffline.medianMs} ms = ${result.verifyOffline.readingsPerSecond} readings/s`,
  );
  const out = new URL("./results/evidence.json", import.meta.url).pathname;
  writeReport(out, {
    benchmark: "evidence",
    date: new Date().toISOString(),
    machine: machineInfo(),
    versions: packageVersions(["@noble/hashes", "secp256k1", "@openzeppelin/merkle-tree"]),
    parameters: PARAMETERS,
    result,
  });
  log(`  wrote ${out}`);
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;

await main();
