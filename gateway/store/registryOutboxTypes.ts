import type { Address, Hex, RegistryKeyKind } from "#protocol";

/**
 * A key lifecycle operation waiting to reach SealtrailDeviceRegistry, written by the store in the same
 * transaction as the key change it mirrors (so neither exists without the other), sent by the registrar.
 *
 * - `register`: `address` registered with the metadata hash of (`kind`, `publicKey`);
 * - `revoke`: `address` revoked;
 * - `rotate`: `address` revoked and `newAddress` (key `publicKey`) registered naming it, in one transaction.
 */
export type RegistryOperationKind = "register" | "revoke" | "rotate";

/**
 * - `pending`: not sent yet (or sent and dropped: it goes again);
 * - `sent`: a transaction is on its way (`txHash`), the registrar waits for its receipt;
 * - `done`: the chain has it (`txHash`, `blockNumber`, `blockTimestamp`);
 * - `failed`: the contract refused it (a state the chain and the store disagree on): needs an operator.
 */
export type RegistryOperationState = "pending" | "sent" | "done" | "failed";

export type RegistryOperation = {
  /** Order of the outbox: the registrar sends operations in this order, one at a time. */
  id: number;
  keyKind: RegistryKeyKind;
  operation: RegistryOperationKind;
  address: Address;
  /** rotate: the new key. */
  newAddress: Address | null;
  /** register: the key's; rotate: the new key's (33-byte compressed). */
  publicKey: Uint8Array | null;
  /** When the store made the change, ms. */
  requestedAt: number;
  state: RegistryOperationState;
  attempts: number;
  /** The registrar does not try again before this, ms (backoff after an RPC error). */
  nextAttemptAt: number;
  lastError: string | null;
  chainId: number | null;
  contract: Address | null;
  txHash: Hex | null;
  blockNumber: number | null;
  /** Block timestamp, seconds: the time the contract recorded. */
  blockTimestamp: number | null;
  updatedAt: number;
};

export type RegistryOperationUpdate = Partial<
  Pick<
    RegistryOperation,
    | "state"
    | "attempts"
    | "nextAttemptAt"
    | "lastError"
    | "chainId"
    | "contract"
    | "txHash"
    | "blockNumber"
    | "blockTimestamp"
  >
> & { updatedAt: number };

/** How many operations are in each state, and the oldest unfinished one's request time (ms). */
export type RegistryOutboxSummary = Record<RegistryOperationState, number> & {
  oldestOpenRequestedAt: number | null;
};

/** The outbox side of the store (SqliteStore implements it). */
export interface RegistryOutbox {
  /** The first operation not done nor failed, in outbox order. */
  nextRegistryOperation(): Promise<RegistryOperation | undefined>;
  updateRegistryOperation(id: number, update: RegistryOperationUpdate): Promise<RegistryOperation>;
  /** Every operation that names a key (as `address` or as `newAddress`), in outbox order. */
  registryOperationsOf(address: Address): Promise<RegistryOperation[]>;
  registryOutboxSummary(): Promise<RegistryOutboxSummary>;
  /**
   * Sends every operation recorded against another registry (chain id, contract) back to `pending`: the
   * registry was redeployed or the configuration points at another one. Says how many.
   */
  retargetRegistryOutbox(target: { chainId: number; contract: Address }): Promise<number>;
  /**
   * Queues the registration of the operator's attester key, once: a key the outbox already names is left
   * alone. True when it queued one.
   */
  enqueueAttesterKey(key: { address: Address; publicKey: Uint8Array }, at: number): Promise<boolean>;
}
