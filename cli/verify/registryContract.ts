import { Interface } from "ethers";

/**
 * The one view of SealtrailDeviceRegistry a verifier reads, as human-readable ABI so an auditor needs no
 * build artifacts: a key's whole lifecycle in one call (times in seconds, 0 = never).
 */
export const REGISTRY_VERIFIER_ABI = [
  "function deviceRecord(address device) view returns ((uint64 registeredAt, uint64 revokedAt, address rotatedFrom, address rotatedTo, bytes32 metadataHash))",
] as const;

/** An ethers Interface over {@link REGISTRY_VERIFIER_ABI}. */
export function registryVerifierInterface(): Interface {
  return new Interface(REGISTRY_VERIFIER_ABI);
}
