import { afterAll, beforeAll, describe, expect, it, jest } from "@jest/globals";
import { Transaction, Wallet } from "ethers";
import type { Hex } from "#protocol";
import {
  addBatches,
  allStatuses,
  anchorEventsPerRoot,
  type ChainFixture,
  captureLogger,
  makeAnchorer,
  runUntil,
  startChainFixture,
  storeWithBatches,
} from "./harness.ts";

jest.setTimeout(120_000);

let fx: ChainFixture;

beforeAll(async () => {
  fx = await startChainFixture();
});
afterAll(async () => {
  await fx?.stop();
});

/** Every transaction the account sent that was mined in blocks `from`..latest, with its receipt status. */
async function minedTransactionsOf(address: string, from: number) {
  const head = await fx.provider.getBlockNumber();
  const out: { hash: string; nonce: number; gasLimit: bigint; status: number | null }[] = [];
  for (let n = from; n <= head; n++) {
    const block = await fx.provider.getBlock(n, true);
    for (const tx of block?.prefetchedTransactions ?? []) {
      if (tx.from.toLowerCase() !== address.toLowerCase()) continue;
      const receipt = await fx.provider.getTransactionReceipt(tx.hash);
      out.push({ hash: tx.hash, nonce: tx.nonce, gasLimit: tx.gasLimit, status: receipt?.status ?? null });
    }
  }
  return out;
}

describe("replacing stuck anchor transactions", () => {
  // The fault found against the demo's chain: the node estimated a replacement's gas against its pending
  // state, in which the stuck original had already anchored the roots, so anchorBatch only skipped them
  // (~32,650 gas instead of ~59,332). Mined, the replacement ran out of gas, reverted, and the roots went
  // out again under a new nonce: fees burnt and a round lost.
  it("When mining pauses while batches are sent and then resumes, then every replacement carries the original's gas limit, no anchor transaction reverts and every root is anchored exactly once", async () => {
    const s = await storeWithBatches(2);
    try {
      const target = { chainId: fx.chain.chainId, contract: fx.contract };
      const anchorerAddress = new Wallet(fx.anchorerKey).address;
      const fromBlock = (await fx.provider.getBlockNumber()) + 1;
      const nonceBefore = await fx.provider.getTransactionCount(anchorerAddress, "latest");
      const log = captureLogger();
      const { anchorer, chain } = makeAnchorer(fx, s.store, {
        stuckAfterMs: 200,
        logger: log.logger,
        finalityDepth: 1,
      });
      // Every transaction the anchorer hands to the node, replacements included.
      const broadcast: Transaction[] = [];
      const send = chain.broadcast.bind(chain);
      chain.broadcast = (rawTx: Hex) => {
        broadcast.push(Transaction.from(rawTx));
        return send(rawTx);
      };

      await fx.rpc("evm_setAutomine", [false]);
      await fx.rpc("evm_setIntervalMining", [0]);
      try {
        // Mining paused: the first roots go out in one transaction, more batches are sealed meanwhile
        // (devices keep publishing) and go out under the next nonce, and each stuck transaction is
        // replaced several times.
        await anchorer.tick();
        for (let i = 0; i < 6; i++) {
          await new Promise((r) => setTimeout(r, 250));
          if (i === 1) await addBatches(s.store, 2);
          await anchorer.tick();
        }
      } finally {
        // Resumed as after an outage: a block every 100 ms again.
        await fx.rpc("evm_setIntervalMining", [100]);
      }
      try {
        await runUntil(anchorer, async () =>
          (await allStatuses(s.store, target)).every((x) => x === "final"),
        );
      } finally {
        await fx.rpc("evm_setIntervalMining", [0]);
        await fx.rpc("evm_setAutomine", [true]);
      }

      // Replacements were forced: more transactions signed than nonces used.
      const gasByNonce = new Map<number, bigint[]>();
      for (const tx of broadcast)
        gasByNonce.set(tx.nonce, [...(gasByNonce.get(tx.nonce) ?? []), tx.gasLimit]);
      expect(gasByNonce.size).toBe(2);
      expect(broadcast.length).toBeGreaterThanOrEqual(gasByNonce.size + 4);
      // Each replacement carries at least the gas limit of the first transaction of its nonce.
      for (const [nonce, limits] of gasByNonce)
        expect({ nonce, below: limits.filter((g) => g < limits[0]!) }).toEqual({ nonce, below: [] });

      // No anchor transaction reverted; one mined per nonce; nothing sent again under a new nonce.
      const mined = await minedTransactionsOf(anchorerAddress, fromBlock);
      expect(mined.filter((t) => t.status !== 1)).toEqual([]);
      expect(mined.map((t) => t.nonce)).toEqual([nonceBefore, nonceBefore + 1]);
      expect(await fx.provider.getTransactionCount(anchorerAddress, "latest")).toBe(nonceBefore + 2);
      expect(
        log.lines.filter((l) => l.msg === "anchor transaction reverted or dropped; root due again"),
      ).toEqual([]);

      // Every root anchored exactly once, and every record final.
      const roots = (await s.store.listBatches()).map((b) => b.root as Hex);
      expect(roots).toHaveLength(4);
      expect(await anchorEventsPerRoot(fx, fx.contract, roots)).toEqual([1, 1, 1, 1]);
      expect(await allStatuses(s.store, target)).toEqual(["final", "final", "final", "final"]);
    } finally {
      await s.cleanup();
    }
  });
});
