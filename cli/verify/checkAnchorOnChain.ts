import type { Hex } from "#protocol";
import { decodeUint64Word, ROOT_ANCHORED_TOPIC } from "./anchorAbi.ts";
import type { AnchorChain, ChainBlock, ChainReceipt } from "./anchorChain.ts";
import { rpcErrorReason } from "./rpcErrorReason.ts";
import type { Check } from "./types.ts";

/** An anchor that claims to be on chain: every field set. */
export type OnChainAnchor = {
  chainId: number;
  contract: Hex;
  txHash: Hex;
  blockNumber: number;
  blockTimestamp: number;
  /** Block 0 of the chain the anchorer saw, when the bundle records it. */
  genesisHash?: Hex;
};

export type AnchorCheckResult = {
  /**
   * `mismatch`: the chain contradicts the anchor; `rpc-error`: the chain could not be read;
   * `other-chain`: the endpoint serves a chain with another genesis than the anchor's (reset or another
   * network with the same chain id), so it can neither confirm nor refute the anchor.
   */
  outcome: "verified" | "mismatch" | "rpc-error" | "other-chain";
  checks: Check[];
  confirmations: number | null;
};

class RpcFailure extends Error {}

/**
 * Checks one anchor of a Merkle root against the chain: the endpoint is the anchor's chain; the anchoring
 * transaction succeeded in the stated block; it emitted `RootAnchored` from the stated contract with the
 * root as topic 1; the block is canonical and has the stated timestamp; and the contract's
 * `anchoredAt(root)` returns that timestamp. Also counts confirmations. Never throws for chain answers:
 * every finding is a line of `checks`.
 * @example const { outcome, checks } = await checkAnchorOnChain(chain, bundle.anchors[0], bundle.merkle.root)
 */
export async function checkAnchorOnChain(
  chain: AnchorChain,
  anchor: OnChainAnchor,
  root: Hex,
): Promise<AnchorCheckResult> {
  const checks: Check[] = [];
  const pass = (name: string, detail: string) => checks.push({ name, ok: true, detail });
  const fail = (name: string, detail: string) => checks.push({ name, ok: false, detail });
  const read = async <T>(name: string, what: Promise<T>): Promise<T> => {
    try {
      return await what;
    } catch (error) {
      fail(name, `RPC error from ${chain.label}: ${rpcErrorReason(error)}`);
      throw new RpcFailure();
    }
  };
  const rootLc = root.toLowerCase();
  const contractLc = anchor.contract.toLowerCase() as Hex;
  let confirmations: number | null = null;

  try {
    if (chain.chainId !== BigInt(anchor.chainId)) {
      fail(
        "chain id",
        `RPC ${chain.label} serves chain ${chain.chainId}, the anchor is on chain ${anchor.chainId}`,
      );
      return { outcome: "mismatch", checks, confirmations };
    }
    pass("chain id", `${anchor.chainId} (${chain.label})`);

    const receipt = await read("transaction", chain.getTransactionReceipt(anchor.txHash));
    if (receipt === null) {
      // A receipt that is not there is most often a chain reset (a demo's local chain) or an endpoint of
      // another network with the same chain id: block 0 tells which, when the bundle names its genesis.
      if (anchor.genesisHash !== undefined) {
        const genesis = await read("genesis", chain.getBlock(0));
        if (genesis?.hash && genesis.hash.toLowerCase() !== anchor.genesisHash.toLowerCase()) {
          fail(
            "genesis",
            `the chain at ${chain.label} has a different genesis (${genesis.hash}) than the bundle's anchor (${anchor.genesisHash}): the chain was reset or this is another network`,
          );
          return { outcome: "other-chain", checks, confirmations };
        }
        if (genesis?.hash) pass("genesis", `${genesis.hash}, as the bundle's anchor says`);
      }
      fail("transaction", `no receipt for ${anchor.txHash} on chain ${anchor.chainId}`);
    } else {
      if (receipt.status === 1) pass("transaction", `${anchor.txHash} succeeded`);
      else fail("transaction", `${anchor.txHash} reverted (status ${receipt.status})`);
      checkBlockNumber(receipt, anchor, pass, fail);
      checkEvent(receipt, anchor, contractLc, rootLc, pass, fail);

      const block = await read("block timestamp", chain.getBlock(receipt.blockNumber));
      checkBlock(block, receipt, anchor, pass, fail);

      const latest = await read("confirmations", chain.getBlockNumber());
      confirmations = Math.max(0, latest - receipt.blockNumber + 1);
    }

    const anchoredAt = await read("anchoredAt", chain.anchoredAt(contractLc, root));
    checkAnchoredAt(anchoredAt, anchor, root, pass, fail);

    if (confirmations !== null) pass("confirmations", `${confirmations} block(s) deep`);
  } catch (error) {
    if (error instanceof RpcFailure) return { outcome: "rpc-error", checks, confirmations };
    throw error;
  }
  return { outcome: checks.every((c) => c.ok) ? "verified" : "mismatch", checks, confirmations };
}

type Report = (name: string, detail: string) => void;

function checkBlockNumber(receipt: ChainReceipt, anchor: OnChainAnchor, pass: Report, fail: Report): void {
  if (receipt.blockNumber === anchor.blockNumber) pass("block number", `${receipt.blockNumber}`);
  else
    fail("block number", `transaction is in block ${receipt.blockNumber}, bundle says ${anchor.blockNumber}`);
}

function checkEvent(
  receipt: ChainReceipt,
  anchor: OnChainAnchor,
  contractLc: string,
  rootLc: string,
  pass: Report,
  fail: Report,
): void {
  const log = receipt.logs.find(
    (l) =>
      l.address.toLowerCase() === contractLc &&
      l.topics[0]?.toLowerCase() === ROOT_ANCHORED_TOPIC &&
      l.topics[1]?.toLowerCase() === rootLc,
  );
  if (log === undefined) {
    fail("RootAnchored event", `the transaction emitted no RootAnchored(${rootLc}) from ${anchor.contract}`);
    return;
  }
  // RootAnchored's only non-indexed field is the uint64 timestamp: the data is that one word.
  const timestamp = decodeUint64Word(log.data);
  if (timestamp === null) {
    fail("RootAnchored event", "the RootAnchored log does not decode");
    return;
  }
  if (timestamp !== BigInt(anchor.blockTimestamp)) {
    fail("RootAnchored event", `event timestamp ${timestamp}, bundle says ${anchor.blockTimestamp}`);
    return;
  }
  pass("RootAnchored event", `root ${rootLc} from ${anchor.contract}`);
}

function checkBlock(
  block: ChainBlock | null,
  receipt: ChainReceipt,
  anchor: OnChainAnchor,
  pass: Report,
  fail: Report,
): void {
  const name = "block timestamp";
  if (block === null) {
    fail(name, `block ${receipt.blockNumber} not found`);
  } else if (block.hash !== null && block.hash.toLowerCase() !== receipt.blockHash.toLowerCase()) {
    fail(name, `block ${receipt.blockNumber} is no longer the one holding the transaction (reorg)`);
  } else if (block.timestamp !== anchor.blockTimestamp) {
    fail(
      name,
      `block ${receipt.blockNumber} has timestamp ${block.timestamp}, bundle says ${anchor.blockTimestamp}`,
    );
  } else {
    pass(name, `${block.timestamp} (${new Date(block.timestamp * 1000).toISOString()})`);
  }
}

function checkAnchoredAt(
  anchoredAt: bigint | null,
  anchor: OnChainAnchor,
  root: Hex,
  pass: Report,
  fail: Report,
): void {
  const name = "anchoredAt";
  if (anchoredAt === null) fail(name, `no contract answers at ${anchor.contract}`);
  else if (anchoredAt === 0n) fail(name, `the contract does not know root ${root}`);
  else if (anchoredAt !== BigInt(anchor.blockTimestamp)) {
    fail(name, `the contract stored ${anchoredAt} for the root, bundle says ${anchor.blockTimestamp}`);
  } else pass(name, `${anchoredAt}`);
}
