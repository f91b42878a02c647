import type { Address, Hex, RegistryKeyRecord } from "#protocol";
import type { RegistryOperation } from "../store/registryOutboxTypes.ts";

/** Where a transaction (or the log of an earlier one) put a lifecycle change on chain. */
export type RegistryInclusion = { txHash: Hex; blockNumber: number; blockTimestamp: number };

/** The receipt of a registrar transaction: mined, and whether it succeeded. */
export type RegistryReceipt = RegistryInclusion & { success: boolean };

/**
 * SealtrailDeviceRegistry on one chain, as the registrar needs it. EthersRegistryChain talks to a real RPC
 * endpoint with the registrar key; unit tests may use a fake.
 */
export interface RegistryChain {
  readonly target: { chainId: number; contract: Address };
  /** The registrar account's address (public: printed by /status). */
  readonly registrar: Address;
  /** Whether the registrar account holds REGISTRAR_ROLE on the contract. */
  isRegistrar(): Promise<boolean>;
  /** A key's entry (`deviceRecord`). */
  readKey(address: Address): Promise<RegistryKeyRecord>;
  /**
   * Signs the transaction of `op` (register, revoke or rotate), hands its hash to `beforeBroadcast` (the
   * registrar records it durably there, so a crash after the broadcast still knows what to look for), then
   * broadcasts it.
   */
  send(
    op: RegistryOperation,
    metadataHash: Hex | null,
    beforeBroadcast: (txHash: Hex) => Promise<void>,
  ): Promise<Hex>;
  receipt(txHash: Hex): Promise<RegistryReceipt | null>;
  /** True when the node knows the transaction (pending or mined). */
  knowsTransaction(txHash: Hex): Promise<boolean>;
  /** The log that made `op`'s change (DeviceRegistered / DeviceRevoked / DeviceRotated), if the chain has one. */
  findInclusion(op: RegistryOperation): Promise<RegistryInclusion | null>;
}
