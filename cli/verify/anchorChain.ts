import type { Hex, RegistryKeyRecord } from "#protocol";

/** The receipt fields the verifier reads (ethers' TransactionReceipt has them). */
export type ChainReceipt = {
  status: number | null;
  blockNumber: number;
  blockHash: string;
  logs: readonly { address: string; topics: readonly string[]; data: string }[];
};

/** The block fields the verifier reads (ethers' Block has them). */
export type ChainBlock = { hash: string | null; timestamp: number };

/**
 * The reads an anchor check needs from one chain, behind a small interface: `connectRpc` implements it
 * with ethers over JSON-RPC, tests may use a fake.
 */
export interface AnchorChain {
  /** The endpoint, for messages (secrets in it already hidden). */
  readonly label: string;
  readonly chainId: bigint;
  getTransactionReceipt(txHash: Hex): Promise<ChainReceipt | null>;
  getBlock(blockNumber: number): Promise<ChainBlock | null>;
  getBlockNumber(): Promise<number>;
  /** `anchoredAt(root)` of the contract at `contract`; null when the call returns no data (no contract there). */
  anchoredAt(contract: Hex, root: Hex): Promise<bigint | null>;
  /** `deviceRecord(key)` of the registry at `contract`; null when there is no contract. Optional: fakes may lack it. */
  keyRecord?(contract: Hex, key: Hex): Promise<RegistryKeyRecord | null>;
  close(): void;
}
