import type { Address, Hex } from "#protocol";
import type { RegistryOperation, RegistryOperationState } from "../store/registryOutboxTypes.ts";

/** One lifecycle change of a key on its way to the registry contract. */
export type ChainChange = {
  state: RegistryOperationState;
  /** When the store made the change, ms. */
  requestedAt: number;
  chainId: number | null;
  contract: Address | null;
  txHash: Hex | null;
  blockNumber: number | null;
  /** The time the contract recorded (block timestamp), seconds. */
  blockTimestamp: number | null;
  /** Why it is being retried (pending) or was refused (failed). */
  error: string | null;
};

/**
 * A key's state in the registry contract as the outbox knows it:
 * - `pending`: its registration has not reached the chain yet;
 * - `registered`: registered on chain (a revocation may still be on its way: see `revocation`);
 * - `revoked`: revoked on chain;
 * - `failed`: the contract refused one of its changes: an operator must look;
 * - `untracked`: the outbox has nothing on this key.
 */
export type KeyChainState = {
  status: "pending" | "registered" | "revoked" | "failed" | "untracked";
  registration: ChainChange | null;
  revocation: ChainChange | null;
};

/**
 * Folds the outbox operations naming `address` into its on-chain state: a `register` of it, or a `rotate`
 * to it, registers it; a `revoke` of it, or a `rotate` from it, revokes it.
 * @example keyChainState(address, await store.registryOperationsOf(address)).status // "registered"
 */
export function keyChainState(address: Address, operations: readonly RegistryOperation[]): KeyChainState {
  let registration: ChainChange | null = null;
  let revocation: ChainChange | null = null;
  for (const op of operations) {
    const change: ChainChange = {
      state: op.state,
      requestedAt: op.requestedAt,
      chainId: op.chainId,
      contract: op.contract,
      txHash: op.txHash,
      blockNumber: op.blockNumber,
      blockTimestamp: op.blockTimestamp,
      error: op.lastError,
    };
    const registers =
      (op.operation === "register" && op.address === address) ||
      (op.operation === "rotate" && op.newAddress === address);
    if (registers) registration = change;
    else revocation = change;
  }
  const status: KeyChainState["status"] =
    registration === null && revocation === null
      ? "untracked"
      : registration?.state === "failed" || revocation?.state === "failed"
        ? "failed"
        : revocation?.state === "done"
          ? "revoked"
          : registration?.state === "done"
            ? "registered"
            : "pending";
  return { status, registration, revocation };
}
