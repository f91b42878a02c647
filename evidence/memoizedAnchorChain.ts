import type { AnchorChain } from "../cli/verify/anchorChain.ts";

/**
 * An AnchorChain that sends each read once per verification and gives every caller the same answer:
 * batches anchored in the same transaction or block share the receipt and the block, and the head is read
 * once, so every anchor's confirmations are counted against the same block. A read that fails is not
 * kept: the next caller asks again. One per opened endpoint: two endpoints are still asked separately, and
 * must still agree.
 * @example const chain = memoizedAnchorChain(await endpoint.open())
 */
export function memoizedAnchorChain(chain: AnchorChain): AnchorChain {
  const answers = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, read: () => Promise<T>): Promise<T> => {
    let answer = answers.get(key) as Promise<T> | undefined;
    if (answer === undefined) {
      answer = read();
      answers.set(key, answer);
      answer.catch(() => answers.delete(key));
    }
    return answer;
  };
  const memoized: AnchorChain = {
    label: chain.label,
    chainId: chain.chainId,
    getTransactionReceipt: (txHash) =>
      once(`receipt:${txHash.toLowerCase()}`, () => chain.getTransactionReceipt(txHash)),
    getBlock: (blockNumber) => once(`block:${blockNumber}`, () => chain.getBlock(blockNumber)),
    getBlockNumber: () => once("head", () => chain.getBlockNumber()),
    anchoredAt: (contract, root) =>
      once(`anchoredAt:${contract.toLowerCase()}:${root.toLowerCase()}`, () =>
        chain.anchoredAt(contract, root),
      ),
    close: () => chain.close(),
  };
  const keyRecord = chain.keyRecord?.bind(chain);
  if (keyRecord !== undefined)
    memoized.keyRecord = (contract, key) =>
      once(`keyRecord:${contract.toLowerCase()}:${key.toLowerCase()}`, () => keyRecord(contract, key));
  return memoized;
}
