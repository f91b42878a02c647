import { bytesToHex, type Hex, keccak256 } from "#protocol";

/*
 * The two pieces of the SealtrailAnchor ABI a verifier reads, encoded by hand rather than through ethers'
 * Interface, so that the anchor check runs in a browser worker (the product page, #evidence) without
 * shipping an ABI coder: a bytes32 argument and a uint64 word need no more than this.
 */

const utf8 = new TextEncoder();

/** topics[0] of RootAnchored(bytes32 indexed root, address indexed anchorer, uint64 timestamp) logs. */
export const ROOT_ANCHORED_TOPIC: Hex = bytesToHex(
  keccak256(utf8.encode("RootAnchored(bytes32,address,uint64)")),
);

const ANCHORED_AT_SELECTOR = bytesToHex(keccak256(utf8.encode("anchoredAt(bytes32)"))).slice(0, 10);

/**
 * Calldata of `anchoredAt(bytes32 root)`.
 * @example encodeAnchoredAtCall(root) // "0x…" selector + root
 */
export function encodeAnchoredAtCall(root: Hex): Hex {
  return `${ANCHORED_AT_SELECTOR}${root.slice(2).toLowerCase().padStart(64, "0")}` as Hex;
}

/**
 * The value of ABI data that is one uint64 word (the answer of `anchoredAt`, the data of a RootAnchored
 * log), or null when the data is not exactly one word holding a uint64.
 * @example decodeUint64Word("0x" + "0".repeat(48) + "0000000067a0c0de") // 1738588382n
 */
export function decodeUint64Word(data: string): bigint | null {
  if (!/^0x[0-9a-fA-F]{64}$/.test(data)) return null;
  const value = BigInt(data);
  return value < 1n << 64n ? value : null;
}
