// Issue #14: gateways that share one store (scale-out) each run an anchorer. Each transaction costs a real
// fee, so the roots must be sent once between them: these tests count the transactions the contract got.
import { afterAll, beforeAll, describe, expect, it, jest } from "@jest/globals";
import { Contract, Interface, parseEther, Wallet } from "ethers";
import { SqliteStore } from "#gateway";
import { type Hex, keccak256 } from "#protocol";
import { HARDHAT_PUBLIC_TEST_KEY_0 } from "../../cli/demo/startStack.ts";
import {
  addBatches,
  allStatuses,
  anchorEventsPerRoot,
  type ChainFixture,
  makeAnchorer,
  startChainFixture,
  storeWithBatches,
} from "./harness.ts";

jest.setTimeout(120_000);

let fx: ChainFixture;
/** Gateway B's chain access: its own anchorer key, as each gateway of compose's scale-out profile has. */
let fxB: ChainFixture;
beforeAll(async () => {
  fx = await startChainFixture();
  const keyB = keccak256(new TextEncoder().encode("EXAMPLE second anchorer key, tests only")).reduce(
    (out, byte) => out + byte.toString(16).padStart(2, "0"),
    "0x",
  );
  const b = new Wallet(keyB);
  const admin = new Wallet(HARDHAT_PUBLIC_TEST_KEY_0, fx.provider);
  const anchor = new Contract(
    fx.contract,
    ["function ANCHORER_ROLE() view returns (bytes32)", "function grantRole(bytes32 role, address account)"],
    admin,
  );
  const role = await anchor.getFunction("ANCHORER_ROLE")();
  await (await anchor.getFunction("grantRole")(role, b.address)).wait();
  await (await admin.sendTransaction({ to: b.address, value: parseEther("10") })).wait();
  fxB = { ...fx, anchorerKey: keyB };
});
afterAll(async () => {
  await fx?.stop();
});

const rootAnchored = new Interface([
  "event RootAnchored(bytes32 indexed root, address indexed anchorer, uint64 timestamp)",
]);

/** Every transaction to the contract in blocks after `fromBlock`, with how many roots each anchored. */
async function contractTransactions(fromBlock: number): Promise<{ hash: string; anchored: number }[]> {
  const out: { hash: string; anchored: number }[] = [];
  const head = await fx.provider.getBlockNumber();
  for (let n = fromBlock + 1; n <= head; n++) {
    const block = await fx.provider.getBlock(n, true);
    for (const tx of block!.prefetchedTransactions) {
      if (tx.to?.toLowerCase() !== fx.contract) continue;
      const receipt = await fx.provider.getTransactionReceipt(tx.hash);
      const anchored =
        receipt!.status === 1
          ? receipt!.logs.filter((l) => rootAnchored.parseLog(l)?.name === "RootAnchored").length
          : 0;
      out.push({ hash: tx.hash, anchored });
    }
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("two gateways' anchorers over one SQLite store and one chain", () => {
  it("anchors every root once, and every transaction sent to the contract anchors roots", async () => {
    const s = await storeWithBatches(4);
    // Two connections to one file, as two gateway processes have.
    const other = SqliteStore.open(s.path);
    const target = { chainId: fx.chain.chainId, contract: fx.contract };
    const fromBlock = await fx.provider.getBlockNumber();
    const a = makeAnchorer(fx, s.store, { holder: "gateway A", maxRootsPerTx: 3 }).anchorer;
    const b = makeAnchorer(fxB, other, { holder: "gateway B", maxRootsPerTx: 3 }).anchorer;
    try {
      // Both pass at the same moment, round after round, while batches keep being sealed.
      for (let round = 0; round < 30; round++) {
        if (round < 10) await addBatches(s.store, 1);
        await Promise.all([a.tick(), b.tick(), fx.rpc("evm_mine")]);
        if (round >= 10 && (await allStatuses(s.store, target)).every((x) => x === "final")) break;
        await sleep(50);
      }
      const roots = (await s.store.listBatches()).map((x) => x.root as Hex);
      expect(roots).toHaveLength(14);
      expect(await allStatuses(s.store, target)).toEqual(roots.map(() => "final"));
      expect(await anchorEventsPerRoot(fx, fx.contract, roots)).toEqual(roots.map(() => 1));
      const txs = await contractTransactions(fromBlock);
      expect(txs.filter((t) => t.anchored === 0)).toEqual([]);
      expect(txs.reduce((n, t) => n + t.anchored, 0)).toBe(roots.length);
    } finally {
      await a.close();
      await b.close();
      await other.close();
      await s.cleanup();
    }
  });

  it("When the anchoring gateway dies, then the other takes over once its lease expires, and sends nothing before", async () => {
    const s = await storeWithBatches(2);
    const other = SqliteStore.open(s.path);
    const target = { chainId: fx.chain.chainId, contract: fx.contract };
    const fromBlock = await fx.provider.getBlockNumber();
    const leaseMs = 1_500;
    const a = makeAnchorer(fx, s.store, { holder: "gateway A", leaseMs }).anchorer;
    const b = makeAnchorer(fxB, other, { holder: "gateway B", leaseMs }).anchorer;
    try {
      await a.tick();
      await b.tick();
      await fx.rpc("evm_mine");
      // A dies here (no close: its lease is not given up). New batches are sealed by the surviving gateway.
      await addBatches(other, 2);
      const diedAt = Date.now();
      await b.tick();
      const before = await contractTransactions(fromBlock);
      expect(before).toHaveLength(1); // A's only: B waited for the lease
      while (!(await allStatuses(other, target)).every((x) => x === "final")) {
        if (Date.now() - diedAt > 30_000) throw new Error("B never took over");
        await b.tick();
        await fx.rpc("evm_mine");
        await sleep(100);
      }
      expect(Date.now() - diedAt).toBeGreaterThanOrEqual(leaseMs - 200);
      const roots = (await other.listBatches()).map((x) => x.root as Hex);
      expect(await anchorEventsPerRoot(fx, fx.contract, roots)).toEqual([1, 1, 1, 1]);
      const txs = await contractTransactions(fromBlock);
      expect(txs.filter((t) => t.anchored === 0)).toEqual([]);
      expect(txs).toHaveLength(2);
    } finally {
      await b.close();
      await other.close();
      await s.cleanup();
    }
  });
});
