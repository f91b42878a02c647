import { describe, expect, it } from "@jest/globals";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import fc from "fast-check";
import { bytesToHex, type Hex, MessageMerkleTree, processMerkleProof, verifyMerkleProof } from "#protocol";

const idsArb = fc.uniqueArray(
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => bytesToHex(b)),
  { minLength: 1, maxLength: 80, selector: (h) => h },
);

describe("Merkle trees (OpenZeppelin StandardMerkleTree standard-v1, bytes32 leaves)", () => {
  it("gives the same root and the same proofs as @openzeppelin/merkle-tree", () => {
    fc.assert(
      fc.property(idsArb, (ids) => {
        const ours = MessageMerkleTree.build(ids);
        const oz = StandardMerkleTree.of(
          ids.map((id) => [id]),
          ["bytes32"],
        );
        expect(ours.root).toBe(oz.root);
        for (const [i, id] of ids.entries()) expect(ours.getProof(id)).toEqual(oz.getProof(i));
      }),
      { numRuns: 120 },
    );
  });

  it("produces proofs OpenZeppelin's verify accepts and that verify here", () => {
    fc.assert(
      fc.property(idsArb, (ids) => {
        const tree = MessageMerkleTree.build(ids);
        for (const id of ids) {
          const proof = tree.getProof(id);
          expect(StandardMerkleTree.verify(tree.root, ["bytes32"], [id], proof)).toBe(true);
          expect(verifyMerkleProof(tree.root, id, proof)).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("rejects proofs for non-members", () => {
    fc.assert(
      fc.property(idsArb, fc.uint8Array({ minLength: 32, maxLength: 32 }), (ids, outsider) => {
        const stranger = bytesToHex(outsider);
        fc.pre(!ids.includes(stranger));
        const tree = MessageMerkleTree.build(ids);
        expect(tree.has(stranger)).toBe(false);
        expect(() => tree.getProof(stranger)).toThrow(/not a leaf/);
        for (const id of ids.slice(0, 5))
          expect(verifyMerkleProof(tree.root, stranger, tree.getProof(id))).toBe(false);
      }),
      { numRuns: 80 },
    );
  });

  it("finds a leaf whatever the case of the hex id, and refuses ids that are not 32-byte hex", () => {
    const ids = Array.from({ length: 257 }, (_, i) =>
      bytesToHex(new Uint8Array(32).fill(i % 256).fill(i >> 8, 0, 1)),
    );
    const tree = MessageMerkleTree.build(ids);
    for (const id of ids) {
      expect(tree.has(id)).toBe(true);
      expect(tree.getProof(id.toUpperCase().replace("0X", "0x") as Hex)).toEqual(tree.getProof(id));
    }
    for (const bad of ["0x", "0x1234", "not hex", `${ids[0]}00`]) {
      expect(tree.has(bad as Hex)).toBe(false);
      expect(() => tree.getProof(bad as Hex)).toThrow(/not a leaf/);
    }
  });

  it("survives toParts/fromParts (a move between threads) with its root and proofs, and refuses bad sizes", () => {
    fc.assert(
      fc.property(idsArb, (ids) => {
        const tree = MessageMerkleTree.build(ids);
        const { ids: sortedIds, nodes } = tree.toParts();
        const moved = MessageMerkleTree.fromParts(sortedIds, nodes);
        expect(moved.root).toBe(tree.root);
        for (const id of ids) expect(moved.getProof(id)).toEqual(tree.getProof(id));
      }),
      { numRuns: 50 },
    );
    const { ids, nodes } = MessageMerkleTree.build([
      `0x${"11".repeat(32)}`,
      `0x${"22".repeat(32)}`,
    ]).toParts();
    expect(() => MessageMerkleTree.fromParts(ids.subarray(0, 40), nodes)).toThrow(/32-byte/);
    expect(() => MessageMerkleTree.fromParts(ids, nodes.subarray(32))).toThrow(/2n-1/);
    expect(() => MessageMerkleTree.fromParts(new Uint8Array(0), new Uint8Array(0))).toThrow(/at least one/);
  });

  it("rejects a proof with one sibling changed or removed", () => {
    const ids = Array.from({ length: 17 }, (_, i) => bytesToHex(new Uint8Array(32).fill(i + 1)));
    const tree = MessageMerkleTree.build(ids);
    const proof = tree.getProof(ids[3] as Hex);
    expect(processMerkleProof(ids[3] as Hex, proof)).toBe(tree.root);
    const changed = [...proof];
    changed[1] = `0x${"00".repeat(32)}`;
    expect(verifyMerkleProof(tree.root, ids[3] as Hex, changed)).toBe(false);
    expect(verifyMerkleProof(tree.root, ids[3] as Hex, proof.slice(1))).toBe(false);
    expect(verifyMerkleProof(tree.root, ids[3] as Hex, ["0x12"])).toBe(false);
  });

  it("builds a one-leaf tree whose root is the leaf hash and whose proof is empty", () => {
    const id = bytesToHex(new Uint8Array(32).fill(0xab));
    const tree = MessageMerkleTree.build([id]);
    expect(tree.getProof(id)).toEqual([]);
    expect(tree.root).toBe(StandardMerkleTree.of([[id]], ["bytes32"]).root);
    expect(() => MessageMerkleTree.build([])).toThrow(/at least one leaf/);
  });
});
