import { bytesToHex, compareBytes, type Hex, hexToBytes } from "./bytes.ts";
import { ProtocolError, ProtocolErrorCode, validateArgument } from "./errors.ts";
import { keccak256 } from "./hashes.ts";

/**
 * Merkle trees over message ids in OpenZeppelin `StandardMerkleTree` format `standard-v1` with leaf encoding
 * `["bytes32"]`: leaf = keccak256(keccak256(abi.encode(id))), leaves sorted by hash, pairs hashed sorted,
 * and the library's array layout (tree[2n-2-i] = i-th sorted leaf, node i = hash(2i+1, 2i+2)). Root and
 * proofs equal the library's byte for byte; Solidity `MerkleProof.verify` accepts them.
 *
 * Written here rather than taken from @openzeppelin/merkle-tree because batches reach millions of leaves:
 * the library keeps every node as a hex string and abi-encodes each leaf; this keeps one flat buffer.
 */

/** The leaf encoding every Sealtrail proof names. */
export const LEAF_ENCODING = "oz-standard-v1:bytes32";

/**
 * The leaf hash of a message id. `abi.encode(bytes32)` is the 32 bytes themselves.
 * @example merkleLeafHash(id) // keccak256(keccak256(id))
 */
export function merkleLeafHash(messageId: Uint8Array): Uint8Array {
  return keccak256(keccak256(messageId));
}

const pairBuffer = new Uint8Array(64);

/** keccak256 of the two nodes concatenated in ascending order (OpenZeppelin commutative hash). */
function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (compareBytes(a, b) <= 0) {
    pairBuffer.set(a, 0);
    pairBuffer.set(b, 32);
  } else {
    pairBuffer.set(b, 0);
    pairBuffer.set(a, 32);
  }
  return keccak256(pairBuffer);
}

/**
 * Views of `count` message ids stored back to back, 32 bytes each (no copy), e.g. a batch read or received
 * as one buffer.
 * @example MessageMerkleTree.build(splitMessageIds(packed))
 */
export function splitMessageIds(packed: Uint8Array, count = packed.length / 32): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => packed.subarray(i * 32, i * 32 + 32));
}

/** A built tree: one flat buffer of 2n-1 nodes of 32 bytes, in OpenZeppelin's layout. */
export class MessageMerkleTree {
  /** Number of leaves. */
  readonly size: number;
  private readonly nodes: Uint8Array;
  private readonly ids: readonly Uint8Array[];

  private constructor(ids: readonly Uint8Array[], nodes: Uint8Array) {
    this.ids = ids;
    this.nodes = nodes;
    this.size = ids.length;
  }

  /**
   * Builds the tree of a batch of distinct message ids (order does not matter: leaves are sorted).
   * @example MessageMerkleTree.build([id1, id2, id3]).root
   */
  static build(messageIds: readonly (Uint8Array | Hex)[]): MessageMerkleTree {
    validateArgument(messageIds.length > 0, "a Merkle tree needs at least one leaf");
    const n = messageIds.length;
    const ids = messageIds.map((id) => (typeof id === "string" ? hexToBytes(id, 32) : id));
    const leaves = new Uint8Array(n * 32);
    for (let i = 0; i < n; i++) {
      validateArgument(ids[i]!.length === 32, "message ids are 32 bytes");
      leaves.set(merkleLeafHash(ids[i]!), i * 32);
    }
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    // By each leaf's first 4 bytes, then in place: a comparator building two subarrays per call took a
    // quarter of a million-leaf build.
    const prefix = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const o = i * 32;
      prefix[i] =
        ((leaves[o]! << 24) | (leaves[o + 1]! << 16) | (leaves[o + 2]! << 8) | leaves[o + 3]!) >>> 0;
    }
    order.sort((x, y) => prefix[x]! - prefix[y]! || compare32At(leaves, x * 32, leaves, y * 32));

    const total = 2 * n - 1;
    const nodes = new Uint8Array(total * 32);
    const sortedIds: Uint8Array[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const src = order[i]!;
      nodes.set(leaves.subarray(src * 32, src * 32 + 32), (total - 1 - i) * 32);
      sortedIds[i] = ids[src]!;
    }
    for (let i = total - 1 - n; i >= 0; i--) {
      const l = 2 * i + 1;
      nodes.set(
        hashPair(nodes.subarray(l * 32, l * 32 + 32), nodes.subarray(l * 32 + 32, l * 32 + 64)),
        i * 32,
      );
    }
    return new MessageMerkleTree(sortedIds, nodes);
  }

  /**
   * The tree as two flat buffers, to move it between threads (transfer their `buffer`s): the message ids in
   * leaf order, 32 bytes each, and the 2n−1 nodes. {@link MessageMerkleTree.fromParts} takes them back.
   * @example const { ids, nodes } = tree.toParts(); port.postMessage({ ids, nodes }, [ids.buffer, nodes.buffer])
   */
  toParts(): { ids: Uint8Array; nodes: Uint8Array } {
    const ids = new Uint8Array(this.size * 32);
    for (let i = 0; i < this.size; i++) ids.set(this.ids[i]!, i * 32);
    return { ids, nodes: this.nodes.slice() };
  }

  /**
   * A tree from the buffers {@link MessageMerkleTree.toParts} made, e.g. on a worker thread. Only the sizes
   * are checked, not the hashes: callers compare the root with the one they expect.
   * @example MessageMerkleTree.fromParts(reply.ids, reply.nodes).root
   */
  static fromParts(ids: Uint8Array, nodes: Uint8Array): MessageMerkleTree {
    const n = ids.length / 32;
    validateArgument(Number.isInteger(n) && n > 0, "ids must be whole 32-byte message ids, at least one");
    validateArgument(nodes.length === (2 * n - 1) * 32, "a tree of n leaves has 2n-1 nodes of 32 bytes");
    return new MessageMerkleTree(splitMessageIds(ids, n), nodes);
  }

  /** The root as 0x-hex. */
  get root(): Hex {
    return bytesToHex(this.nodes.subarray(0, 32));
  }

  /** Message ids in leaf order (sorted by leaf hash). */
  get leafIds(): readonly Uint8Array[] {
    return this.ids;
  }

  /** True when the tree holds this message id. */
  has(messageId: Hex): boolean {
    return this.nodeIndexOf(messageId) !== undefined;
  }

  /**
   * The sibling path from the message's leaf to the root, as OpenZeppelin `getProof` returns it.
   * Throws INVALID_ARGUMENT when the id is not in the tree.
   * @example tree.getProof(id) // ["0x…", …]
   */
  getProof(messageId: Hex): Hex[] {
    const at = this.nodeIndexOf(messageId);
    validateArgument(at !== undefined, "message id is not a leaf of this tree", { messageId });
    const proof: Hex[] = [];
    for (let i = at; i > 0; i = (i - 1) >> 1) {
      const sibling = i % 2 === 1 ? i + 1 : i - 1;
      proof.push(bytesToHex(this.nodes.subarray(sibling * 32, sibling * 32 + 32)));
    }
    return proof;
  }

  /**
   * The node index of a message's leaf: a binary search for its leaf hash among the sorted leaves, so no
   * id → index map is needed (building one took ~4 s and ~0.1 GiB at a million leaves).
   */
  private nodeIndexOf(messageId: Hex): number | undefined {
    let id: Uint8Array;
    try {
      id = hexToBytes(messageId, 32);
    } catch {
      return undefined;
    }
    const leaf = merkleLeafHash(id);
    const last = 2 * this.size - 2; // sorted leaf i is node last - i
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = compare32At(leaf, 0, this.nodes, (last - mid) * 32);
      if (c === 0) return compareBytes(this.ids[mid]!, id) === 0 ? last - mid : undefined;
      if (c < 0) hi = mid - 1;
      else lo = mid + 1;
    }
    return undefined;
  }
}

/** Compares the 32 bytes of `a` at `offsetA` with those of `b` at `offsetB`, as unsigned big-endian numbers. */
function compare32At(a: Uint8Array, offsetA: number, b: Uint8Array, offsetB: number): number {
  for (let i = 0; i < 32; i++) {
    const d = a[offsetA + i]! - b[offsetB + i]!;
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The root a proof leads to from a message id (OpenZeppelin `processProof`).
 * @example processMerkleProof(id, proof) === root
 */
export function processMerkleProof(messageId: Hex, proof: readonly Hex[]): Hex {
  let node = merkleLeafHash(hexToBytes(messageId, 32));
  for (const sibling of proof) node = hashPair(node, hexToBytes(sibling, 32)).slice();
  return bytesToHex(node);
}

/**
 * True when `proof` shows `messageId` is a leaf of the tree with `root`.
 * @example verifyMerkleProof(root, id, tree.getProof(id)) // true
 */
export function verifyMerkleProof(root: Hex, messageId: Hex, proof: readonly Hex[]): boolean {
  try {
    return processMerkleProof(messageId, proof) === root.toLowerCase();
  } catch (error) {
    if (error instanceof ProtocolError) return false;
    throw error;
  }
}

/** Throws BAD_MERKLE_PROOF unless the proof leads from the id to the root. */
export function assertMerkleProof(root: Hex, messageId: Hex, proof: readonly Hex[]): void {
  if (!verifyMerkleProof(root, messageId, proof)) {
    throw new ProtocolError(ProtocolErrorCode.BadMerkleProof, "Merkle proof does not lead to the root", {
      details: { root, messageId },
    });
  }
}
