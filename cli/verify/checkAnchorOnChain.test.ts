import { describe, expect, it } from "@jest/globals";
import type { Hex } from "#protocol";
import {
  EXAMPLE_BLOCK,
  EXAMPLE_CONTRACT,
  EXAMPLE_TIMESTAMP,
  EXAMPLE_TX,
  fakeChain,
} from "../testing/index.ts";
import { checkAnchorOnChain, type OnChainAnchor } from "./checkAnchorOnChain.ts";

const ROOT = `0x${"42".repeat(32)}` as Hex;
const anchor: OnChainAnchor = {
  chainId: 31337,
  contract: EXAMPLE_CONTRACT,
  txHash: EXAMPLE_TX,
  blockNumber: EXAMPLE_BLOCK,
  blockTimestamp: EXAMPLE_TIMESTAMP,
};
const failedNames = (r: { checks: { name: string; ok: boolean }[] }) =>
  r.checks.filter((c) => !c.ok).map((c) => c.name);

describe("checkAnchorOnChain", () => {
  it("verifies an anchor the chain confirms in every detail, and counts confirmations", async () => {
    const result = await checkAnchorOnChain(fakeChain(ROOT), anchor, ROOT);
    expect(result.outcome).toBe("verified");
    expect(result.checks.map((c) => [c.name, c.ok])).toEqual([
      ["chain id", true],
      ["transaction", true],
      ["block number", true],
      ["RootAnchored event", true],
      ["block timestamp", true],
      ["anchoredAt", true],
      ["confirmations", true],
    ]);
    expect(result.confirmations).toBe(5);
  });

  it("accepts an EIP-55 contract address and an upper-case root", async () => {
    const upper = `0x${ROOT.slice(2).toUpperCase()}` as Hex;
    const result = await checkAnchorOnChain(
      fakeChain(ROOT),
      { ...anchor, contract: "0x5FbDB2315678afecb367f032d93F642f64180aa3" },
      upper,
    );
    expect(result.outcome).toBe("verified");
  });

  it("fails the chain id check when the endpoint serves another chain", async () => {
    const result = await checkAnchorOnChain(fakeChain(ROOT, { chainId: 10n }), anchor, ROOT);
    expect(result.outcome).toBe("mismatch");
    expect(result.checks).toEqual([
      { name: "chain id", ok: false, detail: expect.stringMatching(/serves chain 10/) },
    ]);
  });

  it("fails when the transaction does not exist, and still asks the contract about the root", async () => {
    const result = await checkAnchorOnChain(fakeChain(ROOT, { receipt: null }), anchor, ROOT);
    expect(result.outcome).toBe("mismatch");
    expect(failedNames(result)).toEqual(["transaction"]);
    expect(result.checks.map((c) => c.name)).toContain("anchoredAt");
  });

  it("fails when the transaction reverted", async () => {
    const chain = fakeChain(ROOT);
    const receipt = await chain.getTransactionReceipt(EXAMPLE_TX);
    const result = await checkAnchorOnChain(
      fakeChain(ROOT, { receipt: { ...receipt!, status: 0 } }),
      anchor,
      ROOT,
    );
    expect(failedNames(result)).toEqual(["transaction"]);
  });

  it("fails the event check when the transaction anchored another root", async () => {
    const other = `0x${"43".repeat(32)}` as Hex;
    const result = await checkAnchorOnChain(fakeChain(other), anchor, ROOT);
    expect(result.outcome).toBe("mismatch");
    expect(failedNames(result)).toContain("RootAnchored event");
  });

  it("fails the event check when the log comes from another contract", async () => {
    const result = await checkAnchorOnChain(
      fakeChain(ROOT),
      { ...anchor, contract: "0x00000000000000000000000000000000000000aa" },
      ROOT,
    );
    expect(failedNames(result)).toContain("RootAnchored event");
  });

  it("fails when the bundle states another block number or timestamp", async () => {
    const wrongBlock = await checkAnchorOnChain(fakeChain(ROOT), { ...anchor, blockNumber: 13 }, ROOT);
    expect(failedNames(wrongBlock)).toEqual(["block number"]);
    const wrongTime = await checkAnchorOnChain(
      fakeChain(ROOT),
      { ...anchor, blockTimestamp: EXAMPLE_TIMESTAMP + 1 },
      ROOT,
    );
    expect(failedNames(wrongTime)).toEqual(["RootAnchored event", "block timestamp", "anchoredAt"]);
  });

  it("fails when the block holding the transaction was reorganised away", async () => {
    const result = await checkAnchorOnChain(
      fakeChain(ROOT, { blockHash: `0x${"ee".repeat(32)}` }),
      anchor,
      ROOT,
    );
    expect(failedNames(result)).toEqual(["block timestamp"]);
    expect(result.checks.find((c) => c.name === "block timestamp")?.detail).toMatch(/reorg/);
  });

  it("fails when the contract does not know the root or there is no contract at the address", async () => {
    const unknown = await checkAnchorOnChain(fakeChain(ROOT, { anchoredAt: 0n }), anchor, ROOT);
    expect(failedNames(unknown)).toEqual(["anchoredAt"]);
    const noContract = await checkAnchorOnChain(fakeChain(ROOT, { anchoredAt: null }), anchor, ROOT);
    expect(noContract.checks.find((c) => c.name === "anchoredAt")?.detail).toMatch(/no contract/);
  });

  it("reports an RPC failure as rpc-error, not as a contradiction", async () => {
    const result = await checkAnchorOnChain(
      fakeChain(ROOT, { failWith: new Error("socket hang up") }),
      anchor,
      ROOT,
    );
    expect(result.outcome).toBe("rpc-error");
    expect(result.checks.at(-1)).toEqual({
      name: "transaction",
      ok: false,
      detail: "RPC error from fake://chain: socket hang up",
    });
  });
});
