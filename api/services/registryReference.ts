import { keyChainState, type RegistryOutbox } from "#gateway";
import type { Address, RegistryKeyKind, RegistryReference } from "#protocol";

/**
 * The `registry` section of a proof bundle: where the signing key's registration is on chain, as the
 * registrar recorded it. Undefined while the registration is pending (or the store keeps no outbox): a
 * bundle names a registry only where the key is, so a verifier reading it finds the key there.
 * @example const registry = await registryReferenceOf(store, bundle.device, "device")
 */
export async function registryReferenceOf(
  store: object,
  key: Address,
  kind: RegistryKeyKind,
): Promise<RegistryReference | undefined> {
  const outbox = store as Partial<RegistryOutbox>;
  if (typeof outbox.registryOperationsOf !== "function") return undefined;
  const { registration } = keyChainState(key, await outbox.registryOperationsOf(key));
  if (registration?.state !== "done" || registration.chainId === null || registration.contract === null)
    return undefined;
  return { chainId: registration.chainId, contract: registration.contract, key, kind };
}
