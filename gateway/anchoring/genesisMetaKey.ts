import { normalizeAddress } from "#protocol";
import type { AnchorTarget } from "../store/types.ts";

/**
 * The store meta key under which the anchorer records the genesis hash (block 0) of a target's chain.
 * Every anchor record of a target was made on that genesis: when it changes the anchorer either halts
 * or forgets the target's anchors and anchors again, so the key is also what proof bundles name as the
 * anchors' `genesisHash`. The contract is lowercased so EIP-55 and lowercase configurations meet.
 * @example await store.getMeta(genesisMetaKey({ chainId: 31337, contract })) // "0x…" or undefined
 */
export function genesisMetaKey(target: AnchorTarget): string {
  return `genesis:${target.chainId}:${normalizeAddress(target.contract)}`;
}
