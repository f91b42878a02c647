import type { Hex } from "#protocol";
import type { AnchorTarget } from "../store/types.ts";

export type PreparedAnchorTx = { rawTx: Hex; txHash: Hex; nonce: number; maxFeePerGas: string };

export type AnchorReceipt = {
  blockNumber: number;
  blockTimestamp: number;
  success: boolean;
  gasUsed: string;
  feeWei: string;
};

/** Where an anchor event for a root was found on chain. */
export type AnchorEvent = { txHash: Hex; blockNumber: number; blockTimestamp: number };

/**
 * One anchor contract on one chain, as the anchorer needs it. EthersAnchorChain talks to a real RPC
 * endpoint; unit tests may use a fake.
 */
export interface AnchorChain {
  readonly target: AnchorTarget;
  /** Hash of block 0: changes when a local chain is restarted from a new genesis. */
  genesisHash(): Promise<Hex>;
  blockNumber(): Promise<number>;
  /** Transactions of the anchorer account mined so far (its next nonce on chain). */
  minedNonce(): Promise<number>;
  /** Next nonce of the anchorer account, counting pending transactions. */
  pendingNonce(): Promise<number>;
  /** Signs (does not send) an anchoring transaction for these roots. */
  prepareAnchor(roots: Hex[], nonce: number): Promise<PreparedAnchorTx>;
  /** Sends a signed transaction; a node that already knows it is not an error. */
  broadcast(rawTx: Hex): Promise<void>;
  receipt(txHash: Hex): Promise<AnchorReceipt | null>;
  /** Block timestamp at which the root was anchored; 0 when unknown. */
  anchoredAt(root: Hex): Promise<number>;
  /** The RootAnchored event of a root, if the contract has one. */
  findAnchorEvent(root: Hex): Promise<AnchorEvent | null>;
}
