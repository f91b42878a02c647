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

/** A built tree: one flat buffer of 2n-1 nodes of 32 bytes, in OpenZeppelin's layout. */
export class MessageMerkleTree {
  /** Number of leaves. */
  readonly size: number;
  private readonly nodes: Uint8Array;
  /** messageId hex -> node index, built on first proof request. */
  private index: Map<string, number> | undefined;
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
    order.sort((x, y) =>
      compareBytes(leaves.subarray(x * 32, x * 32 + 32), leaves.subarray(y * 32, y * 32 + 32)),
    );

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
    return this.lookup().has(messageId.toLowerCase());
  }

  /**
   * The sibling path from the message's leaf to the root, as OpenZeppelin `getProof` returns it.
   * Throws INVALID_ARGUMENT when the id is not in the tree.
   * @example tree.getProof(id) // ["0x…", …]
   */
  getProof(messageId: Hex): Hex[] {
    const at = this.lookup().get(messageId.toLowerCase());
    validateArgument(at !== undefined, "message id is not a leaf of this tree", { messageId });
    const proof: Hex[] = [];
    for (let i = at; i > 0; i = (i - 1) >> 1) {
      const sibling = i % 2 === 1 ? i + 1 : i - 1;
      proof.push(bytesToHex(this.nodes.subarray(sibling * 32, sibling * 32 + 32)));
    }
    return proof;
  }

  private lookup(): Map<string, number> {
    if (!this.index) {
      const total = 2 * this.size - 1;
      this.index = new Map();
      for (let i = 0; i < this.size; i++) this.index.set(bytesToHex(this.ids[i]!), total - 1 - i);
    }
    return this.index;
  }
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
