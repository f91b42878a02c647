import { Contract, type EventLog, type JsonRpcProvider, type Log, Transaction, type Wallet } from "ethers";
import { type Address, type Hex, normalizeAddress, type RegistryKeyRecord } from "#protocol";
import type { RegistryOperation } from "../store/registryOutboxTypes.ts";
import type { RegistryChain, RegistryInclusion, RegistryReceipt } from "./registryChain.ts";

/** The parts of the SealtrailDeviceRegistry ABI the registrar uses (human-readable: no artifacts needed). */
export const REGISTRY_ABI = [
  "function REGISTRAR_ROLE() view returns (bytes32)",
  "function hasRole(bytes32 role, address account) view returns (bool)",
  "function register(address device, bytes32 metadataHash)",
  "function revoke(address device)",
  "function rotate(address oldDevice, address newDevice, bytes32 newMetadataHash)",
  "function deviceRecord(address device) view returns ((uint64 registeredAt, uint64 revokedAt, address rotatedFrom, address rotatedTo, bytes32 metadataHash))",
  "event DeviceRegistered(address indexed device, address indexed registrar, bytes32 metadataHash, uint64 timestamp)",
  "event DeviceRevoked(address indexed device, address indexed registrar, uint64 timestamp)",
  "event DeviceRotated(address indexed oldDevice, address indexed newDevice, address indexed registrar, uint64 timestamp)",
  "error SealtrailDeviceRegistryZeroAddress()",
  "error SealtrailDeviceRegistryAlreadyRegistered(address device, uint64 registeredAt)",
  "error SealtrailDeviceRegistryDeviceRevoked(address device, uint64 revokedAt)",
  "error SealtrailDeviceRegistryUnknownDevice(address device)",
  "error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)",
] as const;

/** The registry contract reached through an ethers provider, signed by the gateway's registrar key. */
export class EthersRegistryChain implements RegistryChain {
  target: { chainId: number; contract: Address };
  readonly registrar: Address;
  private readonly provider: JsonRpcProvider;
  private readonly wallet: Wallet;
  private contract: Contract;
  /** First block searched for lifecycle logs (the contract's deployment block): public RPCs cap log ranges. */
  private fromBlock: number;

  constructor(options: {
    provider: JsonRpcProvider;
    wallet: Wallet;
    chainId: number;
    contract: string;
    fromBlock?: number;
  }) {
    this.provider = options.provider;
    this.wallet = options.wallet.connect(options.provider);
    this.registrar = normalizeAddress(this.wallet.address);
    this.target = { chainId: options.chainId, contract: normalizeAddress(options.contract) };
    this.contract = new Contract(this.target.contract, REGISTRY_ABI, this.wallet);
    this.fromBlock = options.fromBlock ?? 0;
  }

  /**
   * Points the adapter at a new deployment of the registry (the demo redeploys on a chain reset); the
   * registrar then sends every operation again to it.
   */
  setContract(contract: string, fromBlock = 0): void {
    this.target = { chainId: this.target.chainId, contract: normalizeAddress(contract) };
    this.contract = new Contract(this.target.contract, REGISTRY_ABI, this.wallet);
    this.fromBlock = fromBlock;
  }

  async isRegistrar(): Promise<boolean> {
    const role = (await this.contract.getFunction("REGISTRAR_ROLE")()) as string;
    return (await this.contract.getFunction("hasRole")(role, this.registrar)) as boolean;
  }

  async readKey(address: Address): Promise<RegistryKeyRecord> {
    const r = (await this.contract.getFunction("deviceRecord")(address)) as {
      registeredAt: bigint;
      revokedAt: bigint;
      rotatedFrom: string;
      rotatedTo: string;
      metadataHash: string;
    };
    return {
      registeredAt: Number(r.registeredAt),
      revokedAt: Number(r.revokedAt),
      rotatedFrom: r.rotatedFrom.toLowerCase() as Hex,
      rotatedTo: r.rotatedTo.toLowerCase() as Hex,
      metadataHash: r.metadataHash.toLowerCase() as Hex,
    };
  }

  async send(
    op: RegistryOperation,
    metadataHash: Hex | null,
    beforeBroadcast: (txHash: Hex) => Promise<void>,
  ): Promise<Hex> {
    const call =
      op.operation === "register"
        ? this.contract.getFunction("register").populateTransaction(op.address, metadataHash)
        : op.operation === "revoke"
          ? this.contract.getFunction("revoke").populateTransaction(op.address)
          : this.contract.getFunction("rotate").populateTransaction(op.address, op.newAddress, metadataHash);
    // populateTransaction estimates gas: a call the contract would refuse fails here, before any broadcast.
    const populated = await this.wallet.populateTransaction(await call);
    const raw = await this.wallet.signTransaction(populated);
    const txHash = Transaction.from(raw).hash as Hex;
    await beforeBroadcast(txHash);
    await this.provider.broadcastTransaction(raw);
    return txHash;
  }

  async receipt(txHash: Hex): Promise<RegistryReceipt | null> {
    const receipt = await this.provider.getTransactionReceipt(txHash);
    if (receipt === null) return null;
    const block = await this.provider.getBlock(receipt.blockNumber);
    if (block === null) return null;
    return {
      txHash,
      blockNumber: receipt.blockNumber,
      blockTimestamp: block.timestamp,
      success: receipt.status === 1,
    };
  }

  async knowsTransaction(txHash: Hex): Promise<boolean> {
    return (await this.provider.getTransaction(txHash)) !== null;
  }

  async findInclusion(op: RegistryOperation): Promise<RegistryInclusion | null> {
    const filters = this.contract.filters;
    const filter =
      op.operation === "register"
        ? filters.DeviceRegistered!(op.address)
        : op.operation === "revoke"
          ? filters.DeviceRevoked!(op.address)
          : filters.DeviceRotated!(op.address, op.newAddress);
    const logs: (EventLog | Log)[] = await this.contract.queryFilter(filter, this.fromBlock);
    const log = logs[0];
    if (log === undefined) return null;
    const block = await this.provider.getBlock(log.blockNumber);
    if (block === null) return null;
    return {
      txHash: log.transactionHash as Hex,
      blockNumber: log.blockNumber,
      blockTimestamp: block.timestamp,
    };
  }
}
