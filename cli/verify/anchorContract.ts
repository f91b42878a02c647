import { Interface } from "ethers";

export { ROOT_ANCHORED_TOPIC } from "./anchorAbi.ts";

/**
 * The two pieces of the SealtrailAnchor contract a verifier reads, as human-readable ABI so an auditor
 * needs no build artifacts: the event that carries the root as topic 1, and the view that returns the
 * block timestamp stored for a root (0 when unknown).
 */
export const ANCHOR_VERIFIER_ABI = [
  "event RootAnchored(bytes32 indexed root, address indexed anchorer, uint64 timestamp)",
  "function anchoredAt(bytes32 root) view returns (uint64)",
] as const;

/** An ethers Interface over {@link ANCHOR_VERIFIER_ABI}. */
export function anchorVerifierInterface(): Interface {
  return new Interface(ANCHOR_VERIFIER_ABI);
}
