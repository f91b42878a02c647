/**
 * Protocol micro-benchmarks: signature verification (native libsecp256k1 and pure-JS noble), full reading
 * verification, signing, keccak256 and Merkle batch building, compared with @openzeppelin/merkle-tree.
 *
 * A program, not a test: it prints a table and writes bench/results/protocol.json with the machine, the
 * package versions, the parameters and the median of several timed rounds (after an untimed warm-up round,
 * except for the 1M-leaf builds, which the 100k builds have warmed up). Single thread throughout; the load
 * average and the process's CPU share are recorded because other work on the machine lowers the figures.
 * Run with `bin/dev npm run bench:protocol` (about 3 minutes).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import {
  bytesToHex,
  createNobleTableVerifier,
  type DeviceIdentity,
  deviceIdentityFromPrivateKey,
  GENESIS_PREV,
  type Hex,
  hexToBytes,
  keccak256,
  MessageMerkleTree,
  nobleVerifier,
  prepareHashes,
  type SignatureVerifier,
  type SignedReading,
  signDigest,
  signReading,
  splitMessageIds,
  verifyReading,
} from "#protocol";
import { bundledNativeVerifier, nativeBackend, nativeVerifier, uncompressPublicKey } from "#protocol/native";

const PARAMETERS = {
  /** Timed rounds per measurement (the report gives their median); one untimed warm-up round precedes them. */
  rounds: 5,
  /** Rounds for the Merkle builds of 1M leaves (no warm-up: the 100k builds warmed the code up) and the
   * OpenZeppelin comparison; each takes seconds. */
  merkleLargeRounds: 3,
  /** Distinct device keys the pre-signed inputs are spread over. */
  devices: 16,
  /** Pre-signed digests / messages cycled through by the verify loops. */
  presigned: 1_000,
  /** Operations per round. */
  opsPerRound: {
    nativeVerify: 8_000,
    nobleVerify: 200,
    nobleTableBuild: 20,
    nativeVerifyReading: 5_000,
    nobleVerifyReading: 200,
    nobleSignDigest: 1_000,
    nobleSignReading: 500,
    keccak256: 50_000,
  },
  merkleLeaves: [100_000, 1_000_000],
  /** getProof calls on random ids right after a build (the first call builds the id index). */
  proofsAfterBuild: 1_000,
  ozLeaves: 100_000,
  /** Run StandardMerkleTree.of on 1M leaves only if its 100k time projects to less than this. */
  ozLargeBudgetSeconds: 60,
} as const;

type Stats = { median: number; min: number; max: number; samples: number[] };

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, samples };
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Milliseconds taken by `run`. */
function time(run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Runs `run` (which performs `ops` operations) once untimed, then `rounds` timed; medians of ops/s. */
function throughput(name: string, ops: number, run: () => void, rounds: number = PARAMETERS.rounds) {
  run();
  const perSecond: number[] = [];
  const share = cpuShare();
  for (let r = 0; r < rounds; r++) perSecond.push((ops * 1000) / time(run));
  const s = stats(perSecond);
  const result = {
    opsPerSecond: Math.round(s.median),
    microsPerOp: round(1e6 / s.median, 2),
    min: Math.round(s.min),
    max: Math.round(s.max),
    opsPerRound: ops,
    rounds,
    cpuShare: share(),
  };
  console.log(
    `  ${name.padEnd(44)} ${fmt(result.opsPerSecond).padStart(12)} /s  (${result.microsPerOp} µs, best ${fmt(result.max)} /s, cpu ${result.cpuShare})`,
  );
  return result;
}

/**
 * Process CPU seconds per wall second from now until the returned function is called: about 1 for a
 * single-threaded measurement that had a core to itself (a little more when GC helper threads ran), lower
 * when other processes took the CPU.
 */
function cpuShare(): () => number {
  const cpu = process.cpuUsage();
  const wall = process.hrtime.bigint();
  return () => {
    const used = process.cpuUsage(cpu);
    return round((used.user + used.system) / 1e3 / (Number(process.hrtime.bigint() - wall) / 1e6), 2);
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024); // maxRSS is in KiB
}

function packageVersion(name: string): string {
  const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
}

// ---------------------------------------------------------------------------------------------------------

await prepareHashes(); // keccak256/SHA-256 on WebAssembly, as in the gateway
const started = new Date();
const cpuAtStart = process.cpuUsage();
const loadAtStart = os.loadavg();
const cpus = os.cpus();
const machine = {
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  cpuModel: cpus[0]?.model.trim() ?? "unknown",
  cpuCount: cpus.length,
  totalMemoryGiB: round(os.totalmem() / 2 ** 30, 1),
  node: process.version,
  v8: process.versions.v8,
};
const versions = Object.fromEntries(
  [
    "secp256k1",
    "@noble/secp256k1",
    "@noble/curves",
    "@noble/hashes",
    "hash-wasm",
    "cbor-x",
    "@openzeppelin/merkle-tree",
  ].map((p) => [p, packageVersion(p)]),
);
console.log(`Sealtrail protocol benchmark, ${started.toISOString()}`);
console.log(
  `${machine.cpuModel} x${machine.cpuCount}, ${machine.os}, Node ${machine.node}, load average ${loadAtStart[0]!.toFixed(2)}`,
);
console.log(
  Object.entries(versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(", "),
);

// Inputs: realistic readings (the shape the simulator and the vectors use) from several devices.
const identities: DeviceIdentity[] = Array.from({ length: PARAMETERS.devices }, () =>
  deviceIdentityFromPrivateKey(randomBytes(32)),
);
// publicKey65: the 65-byte form, which the gateway's verify workers cache per device and pass to libsecp256k1.
type Presigned = {
  digest: Uint8Array;
  signature: Uint8Array;
  publicKey: Uint8Array;
  publicKey65: Uint8Array;
};
const presigned: Presigned[] = [];
const readings: (SignedReading & { identity: DeviceIdentity; publicKey65: Uint8Array })[] = [];
for (let i = 0; i < PARAMETERS.presigned; i++) {
  const identity = identities[i % identities.length]!;
  const digest = new Uint8Array(randomBytes(32));
  presigned.push({
    digest,
    signature: signDigest(digest, identity.privateKey),
    publicKey: identity.publicKey,
    publicKey65: uncompressPublicKey(identity.publicKey),
  });
  const seq = Math.floor(i / identities.length) + 1;
  const reading = signReading(identity, {
    v: 1,
    seq,
    ts: 1_763_700_000_000 + i * 60_000,
    prev: seq === 1 ? GENESIS_PREV : new Uint8Array(randomBytes(32)),
    m: { temp_c: 4 + (i % 17) / 10, rh_pct: 55 + (i % 9), lat_deg: 52.3702 + i / 1e5, lon_deg: 4.8952 },
  });
  readings.push({ ...reading, identity, publicKey65: uncompressPublicKey(identity.publicKey) });
}
const messageBytes = readings[0]!.message.length;

// The verifiers must accept the inputs (and the native addons must actually load) before anything is timed.
const libsecp256k1 = nativeBackend();
console.log(`native verifier: ${libsecp256k1.library} libsecp256k1 ${libsecp256k1.version}`);
for (const verifier of [nativeVerifier, bundledNativeVerifier, nobleVerifier]) {
  const p = presigned[0]!;
  if (!verifier.verify(p.digest, p.signature, p.publicKey))
    throw new Error(`${verifier.name} verifier refused a valid signature: is the native addon built?`);
}

function verifyLoop(verifier: SignatureVerifier, ops: number, keyOf = (p: Presigned) => p.publicKey) {
  return () => {
    for (let i = 0; i < ops; i++) {
      const p = presigned[i % presigned.length]!;
      if (!verifier.verify(p.digest, p.signature, keyOf(p))) throw new Error("verify failed");
    }
  };
}

function verifyReadingLoop(verifier: SignatureVerifier, ops: number, uncompressedKeys = false) {
  return () => {
    for (let i = 0; i < ops; i++) {
      const r = readings[i % readings.length]!;
      const key = uncompressedKeys ? r.publicKey65 : r.identity.publicKey;
      verifyReading(r.message, r.identity.address, key, verifier);
    }
  };
}

const ops = PARAMETERS.opsPerRound;
console.log("\nSignatures (single thread)");
const signatures = {
  verifyNative: throughput(
    `ES256K verify, native (${libsecp256k1.library} libsecp256k1)`,
    ops.nativeVerify,
    verifyLoop(nativeVerifier, ops.nativeVerify),
  ),
  verifyNative65: throughput(
    `ES256K verify, native (${libsecp256k1.library}), 65-byte key as the verify workers pass it`,
    ops.nativeVerify,
    verifyLoop(nativeVerifier, ops.nativeVerify, (p) => p.publicKey65),
  ),
  ...(libsecp256k1.library === "system"
    ? {
        verifyNativeBundled: throughput(
          "ES256K verify, native (the secp256k1 package's bundled libsecp256k1)",
          ops.nativeVerify,
          verifyLoop(bundledNativeVerifier, ops.nativeVerify),
        ),
      }
    : {}),
  verifyNoble: throughput(
    "ES256K verify, @noble/secp256k1",
    ops.nobleVerify,
    verifyLoop(nobleVerifier, ops.nobleVerify),
  ),
  // The gateway's noble fallback: a precomputed table per key (built in the untimed warm-up round).
  verifyNobleTable: throughput(
    "ES256K verify, @noble/curves with a per-key table",
    ops.nobleVerify,
    verifyLoop(createNobleTableVerifier(), ops.nobleVerify),
  ),
  verifyNobleNoTable: throughput(
    "ES256K verify, @noble/curves without a table",
    ops.nobleVerify,
    verifyLoop(createNobleTableVerifier({ maxKeys: 0 }), ops.nobleVerify),
  ),
  // A device's first reading on the noble fallback: a fresh verifier each time, so each verify builds a table.
  verifyNobleFirstOfKey: throughput(
    "ES256K first verify of a key (builds its table)",
    ops.nobleTableBuild,
    () => {
      for (let i = 0; i < ops.nobleTableBuild; i++) {
        const p = presigned[i % presigned.length]!;
        if (!createNobleTableVerifier().verify(p.digest, p.signature, p.publicKey))
          throw new Error("verify failed");
      }
    },
  ),
  verifyReadingNative: throughput(
    "verifyReading (decode + verify), native",
    ops.nativeVerifyReading,
    verifyReadingLoop(nativeVerifier, ops.nativeVerifyReading),
  ),
  verifyReadingNative65: throughput(
    "verifyReading, native, 65-byte key (the verify workers' checkReading)",
    ops.nativeVerifyReading,
    verifyReadingLoop(nativeVerifier, ops.nativeVerifyReading, true),
  ),
  verifyReadingNoble: throughput(
    "verifyReading (decode + verify), noble",
    ops.nobleVerifyReading,
    verifyReadingLoop(nobleVerifier, ops.nobleVerifyReading),
  ),
  signDigestNoble: throughput("sign digest (RFC 6979), noble", ops.nobleSignDigest, () => {
    for (let i = 0; i < ops.nobleSignDigest; i++) {
      const p = presigned[i % presigned.length]!;
      signDigest(p.digest, identities[i % identities.length]!.privateKey);
    }
  }),
  signReadingNoble: throughput("signReading (encode + sign), noble", ops.nobleSignReading, () => {
    for (let i = 0; i < ops.nobleSignReading; i++) {
      signReading(identities[i % identities.length]!, {
        v: 1,
        seq: i + 2,
        ts: 1_763_700_000_000 + i,
        prev: presigned[i % presigned.length]!.digest,
        m: { temp_c: 4.5, rh_pct: 56 },
      });
    }
  }),
};

console.log("\nHashing (keccak256 on hash-wasm WebAssembly)");
const input32 = new Uint8Array(randomBytes(32));
const inputMessage = readings[0]!.message;
const hashing = {
  keccak256Of32Bytes: throughput("keccak256, 32-byte input", ops.keccak256, () => {
    for (let i = 0; i < ops.keccak256; i++) keccak256(input32);
  }),
  keccak256OfMessage: throughput(
    `keccak256, ${messageBytes}-byte message (message id)`,
    ops.keccak256,
    () => {
      for (let i = 0; i < ops.keccak256; i++) keccak256(inputMessage);
    },
  ),
};
const rssAfterMicro = peakRssMiB();

function randomIds(n: number): Uint8Array[] {
  return splitMessageIds(new Uint8Array(randomBytes(n * 32)));
}

console.log("\nMerkle batches (MessageMerkleTree, OZ standard-v1 bytes32)");
const merkle: Record<string, unknown>[] = [];
for (const leaves of PARAMETERS.merkleLeaves) {
  const ids = randomIds(leaves);
  const rounds = leaves >= 1_000_000 ? PARAMETERS.merkleLargeRounds : PARAMETERS.rounds;
  const buildMs: number[] = [];
  const proofMs: number[] = [];
  const firstProofMs: number[] = [];
  const warmUp = leaves < 1_000_000;
  let share = cpuShare();
  for (let r = warmUp ? 0 : 1; r <= rounds; r++) {
    if (r === 1) share = cpuShare();
    gc();
    let tree: MessageMerkleTree | undefined;
    const b = time(() => {
      tree = MessageMerkleTree.build(ids);
    });
    const picks = Array.from(
      { length: PARAMETERS.proofsAfterBuild },
      () => bytesToHex(ids[Math.floor(Math.random() * leaves)]!) as Hex,
    );
    let first = 0;
    const p = time(() => {
      first = time(() => tree!.getProof(picks[0]!));
      for (let i = 1; i < picks.length; i++) tree!.getProof(picks[i]!);
    });
    if (r === 0) continue; // warm-up
    buildMs.push(b);
    proofMs.push(p);
    firstProofMs.push(first);
  }
  const build = stats(buildMs);
  const proofs = stats(proofMs);
  const first = stats(firstProofMs);
  const row = {
    leaves,
    rounds,
    buildMs: Math.round(build.median),
    buildMinMs: Math.round(build.min),
    buildMaxMs: Math.round(build.max),
    leavesPerSecond: Math.round((leaves * 1000) / build.median),
    proofs: PARAMETERS.proofsAfterBuild,
    proofsMs: Math.round(proofs.median),
    firstProofMs: Math.round(first.median),
    proofMicrosAfterIndex: round(
      ((proofs.median - first.median) * 1000) / (PARAMETERS.proofsAfterBuild - 1),
      2,
    ),
    maxProofLength: Math.ceil(Math.log2(leaves)),
    cpuShare: share(),
    peakRssMiB: peakRssMiB(),
  };
  merkle.push(row);
  console.log(
    `  ${fmt(leaves).padStart(9)} leaves: build ${fmt(row.buildMs)} ms (${fmt(row.leavesPerSecond)} leaves/s); ` +
      `${row.proofs} getProof ${fmt(row.proofsMs)} ms, of which the first ${fmt(row.firstProofMs)} ms; ` +
      `peak RSS ${fmt(row.peakRssMiB)} MiB; cpu ${row.cpuShare}`,
  );
}

console.log("\n@openzeppelin/merkle-tree StandardMerkleTree.of (comparison)");
const notes: string[] = [];
function ozRun(leaves: number, rounds: number) {
  const ids: string[][] = randomIds(leaves).map((id) => [bytesToHex(id)]);
  const ms: number[] = [];
  let agrees = false;
  let busy = 0;
  let wall = 0;
  for (let r = 0; r < rounds; r++) {
    gc();
    let oz: StandardMerkleTree<string[]> | undefined;
    const cpu = process.cpuUsage();
    ms.push(time(() => (oz = StandardMerkleTree.of(ids, ["bytes32"]))));
    const used = process.cpuUsage(cpu);
    busy += (used.user + used.system) / 1e3;
    wall += ms[ms.length - 1]!;
    if (r === 0) agrees = MessageMerkleTree.build(ids.map(([id]) => hexToBytes(id!, 32))).root === oz!.root;
  }
  const s = stats(ms);
  const row = {
    leaves,
    rounds,
    buildMs: Math.round(s.median),
    buildMinMs: Math.round(s.min),
    buildMaxMs: Math.round(s.max),
    sameRootAsMessageMerkleTree: agrees,
    cpuShare: round(busy / wall, 2),
    peakRssMiB: peakRssMiB(),
  };
  console.log(
    `  ${fmt(leaves).padStart(9)} leaves: build ${fmt(row.buildMs)} ms, same root as MessageMerkleTree: ${agrees}; ` +
      `peak RSS ${fmt(row.peakRssMiB)} MiB; cpu ${row.cpuShare}`,
  );
  return row;
}
const openzeppelin = [ozRun(PARAMETERS.ozLeaves, PARAMETERS.merkleLargeRounds)];
// Sorting makes the build n log n: scale 100k to 1M by 10 * log(1M)/log(100k) = 12.
const projectedSeconds = (openzeppelin[0]!.buildMs * 12) / 1000;
if (projectedSeconds <= PARAMETERS.ozLargeBudgetSeconds) {
  openzeppelin.push(ozRun(1_000_000, 1));
} else {
  const note = `StandardMerkleTree.of on 1,000,000 leaves skipped: projected ~${Math.round(projectedSeconds)} s (12 x the 100k time) exceeds the ${PARAMETERS.ozLargeBudgetSeconds} s budget.`;
  notes.push(note);
  console.log(`  ${note}`);
}

const finished = new Date();
const wallSeconds = (finished.getTime() - started.getTime()) / 1000;
const cpu = process.cpuUsage(cpuAtStart);
const report = {
  format: "sealtrail-bench-protocol-v1",
  startedAt: started.toISOString(),
  durationSeconds: Math.round(wallSeconds),
  machine: {
    ...machine,
    // Other work on the machine slows single-thread figures; these say how busy it was during the run.
    loadAverage1mAtStart: round(loadAtStart[0]!, 2),
    loadAverage1mAtEnd: round(os.loadavg()[0]!, 2),
    processCpuSecondsPerWallSecond: round((cpu.user + cpu.system) / 1e6 / wallSeconds, 2),
  },
  versions: { ...versions, libsecp256k1: `${libsecp256k1.library} ${libsecp256k1.version}` },
  parameters: {
    ...PARAMETERS,
    readingMessageBytes: messageBytes,
    gcBetweenMerkleRounds: typeof globalThis.gc === "function",
  },
  results: {
    signatures,
    hashing,
    merkle,
    openzeppelin,
    peakRssMiB: { afterSignaturesAndHashing: rssAfterMicro, overall: peakRssMiB() },
  },
  notes,
};
const out = new URL("./results/protocol.json", import.meta.url);
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
console.log(
  `\npeak RSS ${fmt(report.results.peakRssMiB.overall)} MiB; ${report.durationSeconds} s; wrote bench/results/protocol.json`,
);
