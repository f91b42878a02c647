import type { EvidenceEndpoint } from "#evidence";
import type { AnchorChain, ChainBlock, ChainReceipt } from "../verify/anchorChain.ts";
import { type ConnectRpcOptions, connectRpc } from "../verify/connectRpc.ts";

/** How long a block number read is reused: confirmations only grow, a second's lag changes nothing. */
const BLOCK_NUMBER_TTL_MS = 1_000;

/** An endpoint for every part of an audit, and the way to close it once they are all done. */
export type SharedRpcEndpoint = EvidenceEndpoint & { closeAll(): void };

/**
 * One JSON-RPC endpoint shared by every part of an audit: connected (chain id read) once, and each
 * receipt and block read once. The anchorer puts many roots in one transaction (`anchorBatch`) and many
 * transactions in one block, so without this each root would read the same receipt and block again (on a
 * local Hardhat node ~4 ms each, ~16 ms a root). A failed read is not kept: the next asker tries again.
 * The verifier's own rule is untouched: every root's `anchoredAt` is still read, every check still made.
 * @example const endpoint = sharedRpcEndpoint("http://127.0.0.1:8545"); … endpoint.closeAll()
 */
export function sharedRpcEndpoint(url: string, options: ConnectRpcOptions = {}): SharedRpcEndpoint {
  let opened: Promise<AnchorChain> | null = null;
  const receipts = new Map<string, Promise<ChainReceipt | null>>();
  const blocks = new Map<number, Promise<ChainBlock | null>>();
  let blockNumber: { at: number; value: Promise<number> } | null = null;
  const memo = <K, V>(cache: Map<K, Promise<V>>, key: K, read: () => Promise<V>): Promise<V> => {
    const hit = cache.get(key);
    if (hit) return hit;
    const value = read();
    cache.set(key, value);
    value.catch(() => cache.delete(key));
    return value;
  };
  const open = async (): Promise<AnchorChain> => {
    if (opened === null) {
      opened = connectRpc(url, options);
      opened.catch(() => {
        opened = null;
      });
    }
    const chain = await opened;
    const shared: AnchorChain = {
      label: chain.label,
      chainId: chain.chainId,
      getTransactionReceipt: (txHash) =>
        memo(receipts, txHash.toLowerCase(), () => chain.getTransactionReceipt(txHash)),
      getBlock: (n) => memo(blocks, n, () => chain.getBlock(n)),
      getBlockNumber: () => {
        const now = Date.now();
        if (blockNumber === null || now - blockNumber.at > BLOCK_NUMBER_TTL_MS) {
          const value = chain.getBlockNumber();
          blockNumber = { at: now, value };
          value.catch(() => {
            blockNumber = null;
          });
        }
        return blockNumber.value;
      },
      anchoredAt: (contract, root) => chain.anchoredAt(contract, root),
      // Closed by closeAll, once every part is done.
      close: () => {},
    };
    if (chain.keyRecord) shared.keyRecord = (contract, key) => chain.keyRecord!(contract, key);
    return shared;
  };
  return {
    label: url,
    open,
    closeAll: () => {
      opened?.then(
        (chain) => chain.close(),
        () => {},
      );
      opened = null;
    },
  };
}
