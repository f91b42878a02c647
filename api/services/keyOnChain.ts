import { type ChainChange, type KeyChainState, keyChainState, type RegistryOutbox } from "#gateway";
import type { Address } from "#protocol";

const iso = (seconds: number | null) => (seconds === null ? null : new Date(seconds * 1000).toISOString());

/** A lifecycle change as the API shows it: the block time both in seconds (as the contract keeps it) and ISO. */
export type ChainChangeJson = ChainChange & { blockTime: string | null };

/** A key's state in the registry contract as the API shows it (`onChain` of devices and organisation keys). */
export type KeyOnChainJson = {
  status: KeyChainState["status"];
  registration: ChainChangeJson | null;
  revocation: ChainChangeJson | null;
};

const changeJson = (c: ChainChange | null): ChainChangeJson | null =>
  c === null ? null : { ...c, blockTime: iso(c.blockTimestamp) };

/**
 * The on-chain state of a key, from the registry outbox: `pending` until the registrar has its registration
 * on chain, then `registered` (block, tx, time), then `revoked`; `failed` when the contract refused a change.
 * @example (await keyOnChain(store, address)).status // "registered"
 */
export async function keyOnChain(store: RegistryOutbox, address: Address): Promise<KeyOnChainJson> {
  const state = keyChainState(address, await store.registryOperationsOf(address));
  return {
    status: state.status,
    registration: changeJson(state.registration),
    revocation: changeJson(state.revocation),
  };
}
