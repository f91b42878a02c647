import type { Address, Hex } from "#protocol";
import type { AnchorTarget } from "../store/types.ts";

export type Fees = { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint };

export type PreparedAnchorTx = { rawTx: Hex; txHash: Hex; nonce: number; fees: Fees; gasLimit: bigint };

export type PrepareAnchorOptions = {
  /**
   * The least gas limit to sign: a replacement passes the gas limit of the transaction it replaces, since
   * the node's estimate may already count that transaction's effect (see EthersAnchorChain.prepareAnchor).
   */
  minGasLimit?: bigint;
};

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
  /** Points the adapter at a new deployment of the contract (after a local chain reset). */
  setContract(contract: Address): void;
  /** Hash of block 0: changes when a local chain is restarted from a new genesis. */
  genesisHash(): Promise<Hex>;
  blockNumber(): Promise<number>;
  /** Transactions of the anchorer account mined so far (its next nonce on chain). */
  minedNonce(): Promise<number>;
  /** Next nonce of the anchorer account, counting pending transactions. */
  pendingNonce(): Promise<number>;
  /** What the node suggests paying now. */
  suggestedFees(): Promise<Fees>;
  /** Signs (does not send) an anchoring transaction for these roots. */
  prepareAnchor(
    roots: Hex[],
    nonce: number,
    fees: Fees,
    options?: PrepareAnchorOptions,
  ): Promise<PreparedAnchorTx>;
  /** Sends a signed transaction; a node that already knows it is not an error. */
  broadcast(rawTx: Hex): Promise<void>;
  /** True when the node knows the transaction (pending or mined). */
  knowsTransaction(txHash: Hex): Promise<boolean>;
  receipt(txHash: Hex): Promise<AnchorReceipt | null>;
  /** Block timestamp at which the root was anchored; 0 when unknown. */
  anchoredAt(root: Hex): Promise<number>;
  /** The RootAnchored event of a root, if the contract has one. */
  findAnchorEvent(root: Hex): Promise<AnchorEvent | null>;
}
