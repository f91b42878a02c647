import {
  bytesToHex,
  compareBytes,
  type Hex,
  hexToBytes,
  keccak256,
  type MessageMerkleTree,
  merkleLeafHash,
  validateArgument,
} from "#protocol";

/** One multiproof over some leaves of a batch tree, in OpenZeppelin's form, leaves left implicit. */
export type BatchMultiProof = { proof: Hex[]; flags: string };

/**
 * The OpenZeppelin multiproof (`getMultiProof`) of some message ids of a batch tree, computed on the tree's
 * flat node buffer (OpenZeppelin's layout: sorted leaf i is node 2n-2-i, node j's children are 2j+1 and
 * 2j+2), because the library's own getMultiProof needs the whole tree as hex strings, and batches reach a
 * million leaves. The leaves are then in the library's order: tree index descending, which is leaf hash
 * ascending. Throws INVALID_ARGUMENT (from the tree) when an id is not a leaf.
 * @example const { proof, flags } = batchMultiProof(tree, ids)
 */
export function batchMultiProof(tree: MessageMerkleTree, messageIds: readonly Hex[]): BatchMultiProof {
  const { nodes } = tree.toParts();
  const node = (i: number) => nodes.subarray(i * 32, i * 32 + 32);
  const last = 2 * tree.size - 2;
  const indices = [...new Set(messageIds.map((id) => id.toLowerCase() as Hex))].map((id) => {
    const position = leafPosition(tree, id, nodes);
    validateArgument(position >= 0, "message id is not a leaf of this tree", { messageId: id });
    return last - position;
  });
  indices.sort((a, b) => b - a);
  const stack = indices;
  let head = 0;
  const proof: Hex[] = [];
  let flags = "";
  while (head < stack.length && stack[head]! > 0) {
    const j = stack[head++]!;
    const sibling = j % 2 === 1 ? j + 1 : j - 1;
    const parent = (j - 1) >> 1;
    if (head < stack.length && stack[head] === sibling) {
      flags += "1";
      head++;
    } else {
      flags += "0";
      proof.push(bytesToHex(node(sibling)));
    }
    stack.push(parent);
  }
  return { proof, flags };
}

/** The sorted position of a message's leaf (a binary search for its leaf hash), -1 when it is not one. */
function leafPosition(tree: MessageMerkleTree, id: Hex, nodes: Uint8Array): number {
  const leaf = merkleLeafHash(hexToBytes(id, 32));
  const last = 2 * tree.size - 2;
  let lo = 0;
  let hi = tree.size - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = (last - mid) * 32;
    const c = compareBytes(leaf, nodes.subarray(at, at + 32));
    if (c === 0) return mid;
    if (c < 0) hi = mid - 1;
    else lo = mid + 1;
  }
  return -1;
}

/**
 * The root a multiproof leads to (OpenZeppelin `processMultiProof`): leaf hashes in the proof's order, its
 * sibling hashes, and its flags. Null when the proof's shape cannot fit the leaves (leaves + hashes must be
 * flags + 1, and every "0" flag needs a hash), i.e. a leaf is missing or one too many.
 * @example processMultiProof(sortedLeafHashes, proof.map(hexToBytes), flags) === root
 */
export function processMultiProof(
  leaves: readonly Uint8Array[],
  proof: readonly Uint8Array[],
  flags: string,
): Uint8Array | null {
  let zeros = 0;
  for (const f of flags) if (f === "0") zeros++;
  if (proof.length < zeros || leaves.length + proof.length !== flags.length + 1) return null;
  const queue: Uint8Array[] = [...leaves];
  let head = 0;
  let p = 0;
  for (const f of flags) {
    const a = queue[head++];
    const b = f === "1" ? queue[head++] : proof[p++];
    if (a === undefined || b === undefined) return null;
    queue.push(hashPair(a, b));
  }
  if (p !== proof.length) return null;
  if (flags.length === 0) return leaves[0] ?? proof[0] ?? null;
  return queue[queue.length - 1] ?? null;
}

function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {
  const pair = new Uint8Array(64);
  if (compareBytes(a, b) <= 0) {
    pair.set(a, 0);
    pair.set(b, 32);
  } else {
    pair.set(b, 0);
    pair.set(a, 32);
  }
  return keccak256(pair);
}
