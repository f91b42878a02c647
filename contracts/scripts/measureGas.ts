// Gas benchmark of the Sealtrail contracts, measured from receipts on Hardhat's simulated OP-stack chain.
//
//   bin/dev npm exec -- hardhat run contracts/scripts/measureGas.ts
//
// Prints a table and writes bench/results/gas.json. Exits non-zero if anchoring one root costs more than the
// 50,000 gas budget. Gas is deterministic for given inputs; where inputs vary (random roots change the
// calldata's zero bytes) the script reports the median of several samples.
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, platform, release, totalmem } from "node:os";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import hre, { network } from "hardhat";
import { deploySealtrail } from "../index.ts";

const ANCHOR_GAS_BUDGET = 50_000n;
const SAMPLES = 25;
const BATCH_SIZES = [1, 10, 100];
const MAX_DEPTH = 20;
const OUTPUT = fileURLToPath(new URL("../../bench/results/gas.json", import.meta.url));

const connection = await network.create({ chainType: "op" });
const { ethers } = connection;
const [deployer, gateway, registrar] = await ethers.getSigners();
const abi = ethers.AbiCoder.defaultAbiCoder();
let rootCounter = 0;

type Row = { operation: string; gasUsed: number; perItem?: number; l1GasUsed?: number; note?: string };
const rows: Row[] = [];

function freshRoot(): string {
  rootCounter += 1;
  return ethers.keccak256(abi.encode(["string", "uint256"], ["gas bench root", rootCounter]));
}

function sorted(values: bigint[]): bigint[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function median(values: bigint[]): bigint {
  return sorted(values)[Math.floor(values.length / 2)]!;
}

/** gasUsed and the L1 data gas an OP-stack receipt reports (`l1GasUsed`, absent on L1 chains). */
async function gasOf(txHash: string): Promise<{ gasUsed: bigint; l1GasUsed: bigint | undefined }> {
  const raw = (await ethers.provider.send("eth_getTransactionReceipt", [txHash])) as {
    gasUsed: string;
    status: string;
    l1GasUsed?: string;
  };
  if (raw.status !== "0x1") throw new Error(`transaction ${txHash} reverted`);
  return {
    gasUsed: BigInt(raw.gasUsed),
    l1GasUsed: raw.l1GasUsed === undefined ? undefined : BigInt(raw.l1GasUsed),
  };
}

async function measureTx(send: Promise<{ hash: string; wait(): Promise<unknown> }>) {
  const tx = await send;
  await tx.wait();
  return gasOf(tx.hash);
}

function txRow(
  operation: string,
  gas: { gasUsed: bigint; l1GasUsed: bigint | undefined },
  note?: string,
): Row {
  return {
    operation,
    gasUsed: Number(gas.gasUsed),
    ...(gas.l1GasUsed === undefined ? {} : { l1GasUsed: Number(gas.l1GasUsed) }),
    ...(note === undefined ? {} : { note }),
  };
}

function leafOf(messageId: string): string {
  return ethers.keccak256(ethers.keccak256(abi.encode(["bytes32"], [messageId])));
}

/** A valid StandardMerkleTree-style proof of `depth` siblings (sorted-pair hashing), without building 2^depth leaves. */
function syntheticProof(depth: number, messageId: string): { root: string; proof: string[] } {
  let node = leafOf(messageId);
  const proof: string[] = [];
  for (let level = 0; level < depth; level++) {
    const sibling = ethers.id(`sibling ${depth}/${level}`);
    proof.push(sibling);
    node = ethers.keccak256(
      ethers.concat(BigInt(node) < BigInt(sibling) ? [node, sibling] : [sibling, node]),
    );
  }
  return { root: node, proof };
}

// ---------------------------------------------------------------- deployment
const deployment = await deploySealtrail(deployer!, {
  admin: deployer!.address,
  anchorers: [gateway!.address],
  registrars: [registrar!.address],
});
for (const [name, deployed] of [
  ["deploy SealtrailAnchor (1 anchorer)", deployment.anchor],
  ["deploy SealtrailDeviceRegistry (1 registrar)", deployment.deviceRegistry],
] as const) {
  rows.push(txRow(name, await gasOf(deployed.txHash)));
}
const anchor = deployment.anchor.contract.connect(gateway!);
const registry = deployment.deviceRegistry.contract.connect(registrar!);

// ---------------------------------------------------------------- anchor one root
const singles: bigint[] = [];
const singleL1: bigint[] = [];
for (let i = 0; i < SAMPLES; i++) {
  const { gasUsed, l1GasUsed } = await measureTx(anchor.anchor(freshRoot()));
  singles.push(gasUsed);
  if (l1GasUsed !== undefined) singleL1.push(l1GasUsed);
}
const anchorOne = median(singles);
const anchorOneMax = sorted(singles).at(-1)!;
rows.push({
  operation: "anchor(root)",
  gasUsed: Number(anchorOne),
  ...(singleL1.length > 0 ? { l1GasUsed: Number(median(singleL1)) } : {}),
  note: `median of ${SAMPLES}, max ${anchorOneMax}, budget ${ANCHOR_GAS_BUDGET}`,
});

// ---------------------------------------------------------------- anchorBatch
const batches: { size: number; gasUsed: number; perRoot: number; l1GasUsed?: number }[] = [];
for (const size of BATCH_SIZES) {
  const samples: bigint[] = [];
  const l1: bigint[] = [];
  for (let i = 0; i < 3; i++) {
    const roots = Array.from({ length: size }, freshRoot);
    const { gasUsed, l1GasUsed } = await measureTx(anchor.anchorBatch(roots));
    samples.push(gasUsed);
    if (l1GasUsed !== undefined) l1.push(l1GasUsed);
  }
  const gasUsed = Number(median(samples));
  const entry = {
    size,
    gasUsed,
    perRoot: Math.round(gasUsed / size),
    ...(l1.length > 0 ? { l1GasUsed: Number(median(l1)) } : {}),
  };
  batches.push(entry);
  rows.push({
    operation: `anchorBatch(${size} new roots)`,
    gasUsed,
    perItem: entry.perRoot,
    ...(entry.l1GasUsed === undefined ? {} : { l1GasUsed: entry.l1GasUsed }),
    note: "median of 3; perItem = gasUsed / roots",
  });
}
{
  const roots = Array.from({ length: 100 }, freshRoot);
  await measureTx(anchor.anchorBatch(roots));
  const retry = await measureTx(anchor.anchorBatch(roots));
  rows.push({
    ...txRow("anchorBatch(100 already-anchored roots), a retry", retry, "all skipped, no event"),
    perItem: Math.round(Number(retry.gasUsed) / 100),
  });
}

// ---------------------------------------------------------------- verifyInclusion per proof depth
const meterFactory = await ethers.getContractFactory("GasMeter");
const meter = await meterFactory.deploy();
await meter.waitForDeployment();
const messageId = ethers.id("benchmark message");
const depths: {
  depth: number;
  fromContract: number;
  estimateGas: number;
  calldataBytes: number;
  intrinsicGas: number;
  calldataFloorGas: number;
}[] = [];
const depthRoots = Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => syntheticProof(depth, messageId));
await measureTx(anchor.anchorBatch(depthRoots.map(({ root }) => root)));
for (const [depth, { root, proof }] of depthRoots.entries()) {
  const [included, gasUsed] = (await meter
    .getFunction("measureVerifyInclusion")
    .staticCall(await anchor.getAddress(), root, proof, messageId)) as [boolean, bigint];
  if (!included) throw new Error(`synthetic proof of depth ${depth} does not verify`);
  const estimate = await anchor.verifyInclusion.estimateGas(root, proof, messageId);
  const calldata = ethers.getBytes(
    anchor.interface.encodeFunctionData("verifyInclusion", [root, proof, messageId]),
  );
  const zeroBytes = calldata.filter((b) => b === 0).length;
  const nonZeroBytes = calldata.length - zeroBytes;
  depths.push({
    depth,
    fromContract: Number(gasUsed),
    estimateGas: Number(estimate),
    calldataBytes: calldata.length,
    // What a transaction pays before executing anything (EIP-2028 calldata pricing) ...
    intrinsicGas: 21_000 + 4 * zeroBytes + 16 * nonZeroBytes,
    // ... and the minimum it pays in total since EIP-7623 (Prague; OP Isthmus): 10 gas per calldata token.
    calldataFloorGas: 21_000 + 10 * (zeroBytes + 4 * nonZeroBytes),
  });
}

// ---------------------------------------------------------------- device lifecycle
const device = (label: string) => new ethers.Wallet(ethers.id(`bench device ${label}`)).address;
const metadata = ethers.id("model=ST-1");
const lifecycle: Row[] = [];
{
  lifecycle.push(
    txRow("register(device, metadataHash)", await measureTx(registry.register(device("a"), metadata))),
  );
  lifecycle.push(txRow("revoke(device)", await measureTx(registry.revoke(device("a")))));
  await measureTx(registry.register(device("b"), metadata));
  lifecycle.push(
    txRow(
      "rotate(old, new, metadataHash)",
      await measureTx(registry.rotate(device("b"), device("c"), metadata)),
      "3 events",
    ),
  );
  const [active, isActiveGas] = (await meter
    .getFunction("measureIsActiveAt")
    .staticCall(
      await registry.getAddress(),
      device("c"),
      BigInt(Math.floor(Date.now() / 1000)) + 10n ** 6n,
    )) as [boolean, bigint];
  if (!active) throw new Error("rotated-in device should be active");
  lifecycle.push({
    operation: "isActiveAt(device, t) called from a contract",
    gasUsed: Number(isActiveGas),
    note: "view; cold account and slot",
  });
}
rows.push(...lifecycle);

// ---------------------------------------------------------------- report
const require = createRequire(import.meta.url);
const versions = {
  node: process.version,
  hardhat: (require("hardhat/package.json") as { version: string }).version,
  ethers: ethers.version,
  solc: hre.config.solidity.profiles.default?.compilers[0]?.version ?? "unknown",
  openzeppelinContracts: (require("@openzeppelin/contracts/package.json") as { version: string }).version,
};
const { optimizer, evmVersion } = (hre.config.solidity.profiles.default?.compilers[0]?.settings ?? {}) as {
  optimizer?: unknown;
  evmVersion?: unknown;
};
const solcSettings = { optimizer, evmVersion };
const report = {
  format: "sealtrail-bench-gas-v1",
  date: new Date().toISOString(),
  command: "bin/dev npm exec -- hardhat run contracts/scripts/measureGas.ts",
  machine: {
    platform: platform(),
    release: release(),
    cpu: cpus()[0]?.model ?? "unknown",
    memoryBytes: totalmem(),
  },
  versions,
  parameters: {
    chainType: "op",
    hardfork:
      connection.networkConfig.type === "edr-simulated" ? connection.networkConfig.hardfork : undefined,
    solcSettings,
    samplesSingleAnchor: SAMPLES,
    batchSizes: BATCH_SIZES,
    maxProofDepth: MAX_DEPTH,
    anchorGasBudget: Number(ANCHOR_GAS_BUDGET),
  },
  results: {
    anchorOneRoot: {
      medianGasUsed: Number(anchorOne),
      maxGasUsed: Number(anchorOneMax),
      samples: SAMPLES,
      withinBudget: anchorOneMax <= ANCHOR_GAS_BUDGET,
    },
    anchorBatch: batches,
    verifyInclusionByDepth: depths,
    operations: rows,
  },
};

console.log(
  `\nSealtrail contracts gas (chain type op, hardfork ${report.parameters.hardfork}, solc ${versions.solc})\n`,
);
console.table(
  rows.map((r) => ({
    operation: r.operation,
    gasUsed: r.gasUsed,
    "per root": r.perItem ?? "",
    "L1 data gas": r.l1GasUsed ?? "",
    note: r.note ?? "",
  })),
);
console.log("\nverifyInclusion by proof depth (root anchored, proof valid)\n");
console.table(
  depths.map((d) => ({
    depth: d.depth,
    "from a contract": d.fromContract,
    "eth_estimateGas (tx)": d.estimateGas,
    "calldata bytes": d.calldataBytes,
    "intrinsic (EIP-2028)": d.intrinsicGas,
    "floor (EIP-7623)": d.calldataFloorGas,
  })),
);

mkdirSync(dirname(OUTPUT), { recursive: true });
writeFileSync(OUTPUT, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nwrote ${OUTPUT}`);

if (anchorOneMax > ANCHOR_GAS_BUDGET) {
  console.error(`anchor(root) used up to ${anchorOneMax} gas, over the ${ANCHOR_GAS_BUDGET} budget`);
  process.exitCode = 1;
} else {
  console.log(`anchor(root): max ${anchorOneMax} gas <= ${ANCHOR_GAS_BUDGET} budget`);
}
