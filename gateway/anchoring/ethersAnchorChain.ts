import { Contract, type JsonRpcProvider, Transaction, type Wallet } from "ethers";
import { type Address, type Hex, normalizeAddress } from "#protocol";
import type {
  AnchorChain,
  AnchorEvent,
  AnchorReceipt,
  Fees,
  PrepareAnchorOptions,
  PreparedAnchorTx,
} from "./chain.ts";

/** The parts of the SealtrailAnchor ABI the anchorer uses (human-readable: no artifacts needed). */
export const ANCHOR_ABI = [
  "function anchorBatch(bytes32[] roots)",
  "function anchoredAt(bytes32 root) view returns (uint64)",
  "event RootAnchored(bytes32 indexed root, address indexed anchorer, uint64 timestamp)",
] as const;

/** An anchor target reached through an ethers provider and signed by the gateway's anchorer key. */
export class EthersAnchorChain implements AnchorChain {
  target: { chainId: number; contract: Address };
  private readonly provider: JsonRpcProvider;
  private readonly wallet: Wallet;
  private contract: Contract;

  /** First block searched for anchor events (the contract's deployment block): public RPCs cap log ranges. */
  private fromBlock: number;

  constructor(options: {
    provider: JsonRpcProvider;
    wallet: Wallet;
    chainId: number;
    contract: string;
    fromBlock?: number;
  }) {
    this.fromBlock = options.fromBlock ?? 0;
    this.provider = options.provider;
    this.wallet = options.wallet.connect(options.provider);
    this.target = { chainId: options.chainId, contract: normalizeAddress(options.contract) };
    this.contract = new Contract(this.target.contract, ANCHOR_ABI, this.wallet);
  }

  setContract(contract: Address, fromBlock = 0): void {
    this.fromBlock = fromBlock;
    this.target = { chainId: this.target.chainId, contract: normalizeAddress(contract) };
    this.contract = new Contract(this.target.contract, ANCHOR_ABI, this.wallet);
  }

  async suggestedFees(): Promise<Fees> {
    const fee = await this.provider.getFeeData();
    const maxPriorityFeePerGas = fee.maxPriorityFeePerGas ?? 1_000_000n;
    return { maxFeePerGas: fee.maxFeePerGas ?? (fee.gasPrice ?? 1_000_000_000n) * 2n, maxPriorityFeePerGas };
  }

  async knowsTransaction(txHash: Hex): Promise<boolean> {
    return (await this.provider.getTransaction(txHash)) !== null;
  }

  async genesisHash(): Promise<Hex> {
    const block = await this.provider.getBlock(0);
    if (!block?.hash) throw new Error("chain has no block 0");
    return block.hash as Hex;
  }

  blockNumber(): Promise<number> {
    return this.provider.getBlockNumber();
  }

  minedNonce(): Promise<number> {
    return this.provider.getTransactionCount(this.wallet.address, "latest");
  }

  pendingNonce(): Promise<number> {
    return this.provider.getTransactionCount(this.wallet.address, "pending");
  }

  async prepareAnchor(
    roots: Hex[],
    nonce: number,
    fees: Fees,
    options: PrepareAnchorOptions = {},
  ): Promise<PreparedAnchorTx> {
    const data = this.contract.interface.encodeFunctionData("anchorBatch", [roots]);
    // Nodes (Hardhat's EDR, geth) estimate against their pending state. For a replacement that state may
    // hold the stuck transaction it replaces, which has already anchored these roots there, so anchorBatch
    // only skips them: ~27k gas instead of ~50k. Signed with that, the replacement reverts out of gas once
    // mined and its fee is lost. The same calldata needs the same gas: never sign less than the original.
    const estimate =
      ((await this.provider.estimateGas({ from: this.wallet.address, to: this.target.contract, data })) *
        12n) /
      10n;
    const gasLimit =
      options.minGasLimit !== undefined && options.minGasLimit > estimate ? options.minGasLimit : estimate;
    // The tip can never exceed the fee cap (EIP-1559); the fee policy already keeps it so.
    const maxPriorityFeePerGas = [fees.maxPriorityFeePerGas, fees.maxFeePerGas].sort((a, b) =>
      a < b ? -1 : 1,
    )[0]!;
    const rawTx = (await this.wallet.signTransaction({
      type: 2,
      chainId: this.target.chainId,
      to: this.target.contract,
      data,
      nonce,
      gasLimit,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas,
    })) as Hex;
    return {
      rawTx,
      txHash: Transaction.from(rawTx).hash as Hex,
      nonce,
      fees: { maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas },
      gasLimit,
    };
  }

  async broadcast(rawTx: Hex): Promise<void> {
    try {
      await this.provider.broadcastTransaction(rawTx);
    } catch (error) {
      const text = String((error as Error).message ?? error).toLowerCase();
      // Already in the pool or already mined: the receipt check settles it.
      if (
        text.includes("already known") ||
        text.includes("nonce too low") ||
        text.includes("already imported")
      )
        return;
      throw error;
    }
  }

  async receipt(txHash: Hex): Promise<AnchorReceipt | null> {
    const r = await this.provider.getTransactionReceipt(txHash);
    if (!r) return null;
    const block = await this.provider.getBlock(r.blockNumber);
    if (!block) return null;
    return {
      blockNumber: r.blockNumber,
      blockTimestamp: block.timestamp,
      success: r.status === 1,
      gasUsed: r.gasUsed.toString(),
      feeWei: r.fee.toString(),
    };
  }

  async anchoredAt(root: Hex): Promise<number> {
    return Number(await this.contract.getFunction("anchoredAt").staticCall(root));
  }

  async findAnchorEvent(root: Hex): Promise<AnchorEvent | null> {
    const logs = await this.contract.queryFilter(
      this.contract.filters.RootAnchored!(root),
      this.fromBlock,
      "latest",
    );
    const log = logs[0];
    if (!log) return null;
    const block = await this.provider.getBlock(log.blockNumber);
    return {
      txHash: log.transactionHash as Hex,
      blockNumber: log.blockNumber,
      blockTimestamp: block?.timestamp ?? 0,
    };
  }
}
