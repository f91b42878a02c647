import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { Contract, JsonRpcProvider, parseEther, Wallet } from "ethers";
import pino from "pino";
import { deploySealtrail } from "#contracts";
import {
  Anchorer,
  type AnchorerOptions,
  EthersAnchorChain,
  GatewayMetrics,
  MerkleRootBuilder,
  SqliteStore,
  sealPendingBatch,
} from "#gateway";
import {
  type AnchorRecord,
  deviceIdentityFromPrivateKey,
  GENESIS_PREV,
  type Hex,
  hexToBytes,
  keccak256,
  readingToJson,
  signReading,
} from "#protocol";
import { freePort } from "../../cli/demo/freePort.ts";
import { type LocalChain, startLocalChain } from "../../cli/demo/startLocalChain.ts";
import { HARDHAT_PUBLIC_TEST_KEY_0 } from "../../cli/demo/startStack.ts";

/** A local chain with the contracts deployed and a funded anchorer key (EXAMPLE key, test only). */
export type ChainFixture = {
  chain: LocalChain;
  port: number;
  provider: JsonRpcProvider;
  anchorerKey: string;
  contract: string;
  deploy: () => Promise<Hex>;
  rpc: (method: string, params?: unknown[]) => Promise<unknown>;
  stop: () => Promise<void>;
};

export async function startChainFixture(
  options: { chainId?: number; port?: number } = {},
): Promise<ChainFixture> {
  const chainIdOption = options.chainId ? { chainId: options.chainId } : {};
  let port = options.port ?? (await freePort());
  let chain: LocalChain;
  for (let attempt = 1; ; attempt++) {
    try {
      chain = await startLocalChain({ port, ...chainIdOption });
      break;
    } catch (error) {
      // The port was free when picked, but the node binds it only later: another process may have taken
      // it meanwhile. Pick another one (unless the caller asked for this very port).
      if (options.port !== undefined || attempt >= 3 || !/EADDRINUSE/.test(String(error))) throw error;
      port = await freePort();
    }
  }
  const provider = new JsonRpcProvider(chain.rpcUrl, chain.chainId, {
    staticNetwork: true,
    pollingInterval: 100,
    cacheTimeout: -1,
  });
  const anchorerKey = keccak256(new TextEncoder().encode("EXAMPLE anchorer key, tests only")).reduce(
    (s, b) => s + b.toString(16).padStart(2, "0"),
    "0x",
  );
  const deployer = new Wallet(HARDHAT_PUBLIC_TEST_KEY_0, provider);
  const anchorer = new Wallet(anchorerKey);
  const deploy = async () => {
    const d = await deploySealtrail(deployer, {
      admin: deployer.address,
      anchorers: [anchorer.address],
      registrars: [deployer.address],
    });
    await (await deployer.sendTransaction({ to: anchorer.address, value: parseEther("10") })).wait();
    return d.anchor.address.toLowerCase() as Hex;
  };
  const contract = await deploy();
  return {
    chain,
    port,
    provider,
    anchorerKey,
    contract,
    deploy,
    rpc: (method, params = []) => provider.send(method, params),
    stop: async () => {
      provider.destroy();
      await chain.stop();
    },
  };
}

/** A store in a temp dir holding `batches` sealed batches of a few signed readings each. */
export async function storeWithBatches(
  batches: number,
  perBatch = 3,
): Promise<{ store: SqliteStore; dir: string; path: string; cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-anchor-"));
  const path = join(dir, "store.db");
  const store = SqliteStore.open(path);
  await addBatches(store, batches, perBatch);
  return {
    store,
    dir,
    path,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const device = deviceIdentityFromPrivateKey(
  keccak256(new TextEncoder().encode("EXAMPLE key anchoring tests")),
);
let seq = 0;
let prev: Uint8Array = GENESIS_PREV;

export async function addBatches(store: SqliteStore, batches: number, perBatch = 3): Promise<void> {
  const builder = new MerkleRootBuilder();
  await store.registerDevice({
    address: device.address,
    publicKey: device.publicKey,
    label: "anchoring tests",
    registeredAt: Date.now(),
  });
  for (let b = 0; b < batches; b++) {
    for (let i = 0; i < perBatch; i++) {
      seq++;
      const reading = { v: 1, seq, ts: Date.now(), prev, m: { temp_c: seq } } as const;
      const { message, messageId } = signReading(device, reading);
      prev = hexToBytes(messageId, 32);
      await store.insertMessage({
        messageId,
        device: device.address,
        seq,
        raw: message,
        deviceTs: Date.now(),
        receivedAt: Date.now(),
        // What the gateway stores: the bundle's informative reading must equal the signed one.
        payloadJson: JSON.stringify(readingToJson(reading)),
      });
    }
    await sealPendingBatch({ store, builder, maxSize: perBatch, maxAgeMs: 0, now: Date.now });
  }
}

/** A pino logger whose lines the test can read. */
export function captureLogger(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split("\n")) if (line) lines.push(JSON.parse(line));
      cb();
    },
  });
  return { logger: pino({ level: "debug" }, stream), lines };
}

export function makeAnchorer(
  fixture: ChainFixture,
  store: SqliteStore,
  overrides: Partial<AnchorerOptions> & { rpcUrl?: string } = {},
): { anchorer: Anchorer; chain: EthersAnchorChain; metrics: GatewayMetrics } {
  const provider = overrides.rpcUrl
    ? new JsonRpcProvider(overrides.rpcUrl, fixture.chain.chainId, {
        staticNetwork: true,
        pollingInterval: 100,
        cacheTimeout: -1,
      })
    : fixture.provider;
  const chain = new EthersAnchorChain({
    provider,
    wallet: new Wallet(fixture.anchorerKey),
    chainId: fixture.chain.chainId,
    contract: fixture.contract,
  });
  const metrics = new GatewayMetrics();
  const anchorer = new Anchorer({
    store,
    chain,
    logger: pino({ level: "silent" }),
    metrics,
    finalityDepth: 2,
    fees: { maxFeePerGasCap: 100_000_000_000n, bumpPercent: 25 },
    stuckAfterMs: 60_000,
    onGenesisChange: "halt",
    ...overrides,
  });
  return { anchorer, chain, metrics };
}

/** Runs anchorer passes (mining a block after each) until `done()` or the deadline. */
export async function runUntil(
  anchorer: Anchorer,
  done: () => Promise<boolean>,
  options: { mine?: () => Promise<unknown>; timeoutMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  // At least one pass first: the condition may hold on stale records the pass is about to revise.
  do {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await anchorer.tick();
    await options.mine?.();
    await new Promise((r) => setTimeout(r, 100));
  } while (!(await done()));
}

/** How many RootAnchored events the contract emitted for each root. */
export async function anchorEventsPerRoot(
  fixture: ChainFixture,
  contract: string,
  roots: Hex[],
): Promise<number[]> {
  const c = new Contract(
    contract,
    ["event RootAnchored(bytes32 indexed root, address indexed anchorer, uint64 timestamp)"],
    fixture.provider,
  );
  const out: number[] = [];
  for (const root of roots)
    out.push((await c.queryFilter(c.filters.RootAnchored!(root), 0, "latest")).length);
  return out;
}

export async function allStatuses(
  store: SqliteStore,
  target: { chainId: number; contract: string },
): Promise<string[]> {
  const batches = await store.listBatches();
  const out: string[] = [];
  for (const b of batches) {
    const a = (await store.getAnchors(b.id)).find(
      (x) => x.chainId === target.chainId && x.contract === target.contract,
    );
    out.push(a?.status ?? "none");
  }
  return out;
}

/**
 * Anchors roots straight through the contract's `anchorBatch` (`perTransaction` roots a transaction) with
 * the fixture's anchorer key, then mines `depth` blocks, and returns each root's anchor record as a proof
 * bundle or evidence package carries it (status `final`, the chain's genesis hash). For benchmarks and
 * tests that need thousands of real anchors without a gateway's store behind them.
 */
export async function anchorRootsDirectly(
  fixture: ChainFixture,
  roots: readonly Hex[],
  options: { perTransaction?: number; depth?: number } = {},
): Promise<Map<Hex, AnchorRecord>> {
  const perTransaction = options.perTransaction ?? 100;
  const contract = new Contract(
    fixture.contract,
    ["function anchorBatch(bytes32[] roots) returns (uint256)"],
    new Wallet(fixture.anchorerKey, fixture.provider),
  );
  const genesisHash = (await fixture.provider.getBlock(0))!.hash as Hex;
  const out = new Map<Hex, AnchorRecord>();
  for (let i = 0; i < roots.length; i += perTransaction) {
    const chunk = roots.slice(i, i + perTransaction);
    const receipt = (await (await contract.getFunction("anchorBatch")(chunk)).wait())!;
    const block = (await fixture.provider.getBlock(receipt.blockNumber))!;
    for (const root of chunk)
      out.set(root, {
        chainId: fixture.chain.chainId,
        contract: fixture.contract as Hex,
        txHash: receipt.hash as Hex,
        blockNumber: receipt.blockNumber,
        blockTimestamp: block.timestamp,
        status: "final",
        genesisHash,
      });
  }
  for (let i = 0; i < (options.depth ?? 3); i++) await fixture.rpc("evm_mine");
  return out;
}
