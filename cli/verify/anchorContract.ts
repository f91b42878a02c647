import { Interface, id } from "ethers";

/**
 * The two pieces of the SealtrailAnchor contract a verifier reads, as human-readable ABI so an auditor
 * needs no build artifacts: the event that carries the root as topic 1, and the view that returns the
 * block timestamp stored for a root (0 when unknown).
 */
export const ANCHOR_VERIFIER_ABI = [
  "event RootAnchored(bytes32 indexed root, address indexed anchorer, uint64 timestamp)",
  "function anchoredAt(bytes32 root) view returns (uint64)",
] as const;

/** topics[0] of RootAnchored logs. */
export const ROOT_ANCHORED_TOPIC = id("RootAnchored(bytes32,address,uint64)");

/** An ethers Interface over {@link ANCHOR_VERIFIER_ABI}. */
export function anchorVerifierInterface(): Interface {
  return new Interface(ANCHOR_VERIFIER_ABI);
}
