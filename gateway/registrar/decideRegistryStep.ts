import type { Address, Hex, RegistryKeyRecord } from "#protocol";
import type { RegistryOperation } from "../store/registryOutboxTypes.ts";

/**
 * What to do with an outbox operation, given what the chain holds now:
 * - `applied`: the chain has the change already (an earlier transaction of ours whose receipt we missed,
 *   e.g. we crashed after the broadcast): record it, send nothing;
 * - `send`: the contract will accept it;
 * - `refused`: the contract would revert (the chain and the store disagree about this key): an operator
 *   must look; retrying cannot help.
 */
export type RegistryStep = { action: "applied" } | { action: "send" } | { action: "refused"; reason: string };

const ZERO = "0x0000000000000000000000000000000000000000";

/**
 * Decides from the chain's state alone, so a restart at any point (before the send, after it, after the
 * receipt) resumes correctly: a change is never sent twice and never skipped. The checks are the contract's
 * own, in its order (register checks the new key before the old one's state, as `rotate` does).
 * @example decideRegistryStep(op, await chain.readKey(op.address), null, metadataHash)
 */
export function decideRegistryStep(
  op: RegistryOperation,
  key: RegistryKeyRecord,
  /** rotate: the new key's entry. */
  newKey: RegistryKeyRecord | null,
  /** register/rotate: the metadata hash the (new) key is registered with. */
  metadataHash: Hex | null,
): RegistryStep {
  switch (op.operation) {
    case "register":
      if (key.registeredAt === 0) return { action: "send" };
      if (key.metadataHash.toLowerCase() === metadataHash?.toLowerCase()) return { action: "applied" };
      return {
        action: "refused",
        reason: `registered on chain with another metadata hash (${key.metadataHash})`,
      };
    case "revoke":
      if (key.revokedAt !== 0) return { action: "applied" };
      if (key.registeredAt === 0)
        return { action: "refused", reason: "not registered on chain: nothing to revoke" };
      return { action: "send" };
    case "rotate": {
      const to = (op.newAddress ?? ZERO).toLowerCase() as Address;
      if (key.rotatedTo.toLowerCase() === to) return { action: "applied" };
      if (newKey !== null && newKey.registeredAt !== 0)
        return { action: "refused", reason: `the new key ${to} is already registered on chain` };
      if (key.registeredAt === 0)
        return { action: "refused", reason: "the old key is not registered on chain: nothing to rotate" };
      if (key.revokedAt !== 0)
        return { action: "refused", reason: `the old key is already revoked on chain (at ${key.revokedAt})` };
      return { action: "send" };
    }
  }
}
