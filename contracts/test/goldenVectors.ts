// The golden vectors (test/vectors/protocol-v1.json) are the protocol's reference data, shared with every
// other implementation; here every proof they contain must verify on chain against its anchored root.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { network } from "hardhat";
import { describe, it } from "mocha";
import { deploySealtrail } from "../index.ts";

const VECTORS_FORMAT = "sealtrail-vectors-v1";
const VECTORS_PATH = "test/vectors/protocol-v1.json";
const VECTORS_FILE = fileURLToPath(new URL(`../../${VECTORS_PATH}`, import.meta.url));

type VectorTree = { messageIds: string[]; root: string; proofs: string[][] };

const { ethers, networkHelpers } = await network.create({ chainType: "op" });

function readTrees(): VectorTree[] {
  const vectors = JSON.parse(readFileSync(VECTORS_FILE, "utf8")) as { format?: unknown; trees?: unknown };
  if (vectors.format !== VECTORS_FORMAT) {
    throw new Error(`${VECTORS_PATH}: format ${String(vectors.format)}, expected ${VECTORS_FORMAT}`);
  }
  if (!Array.isArray(vectors.trees) || vectors.trees.length === 0) {
    throw new Error(`${VECTORS_PATH}: no trees`);
  }
  return vectors.trees as VectorTree[];
}

async function deployAnchoredVectorsFixture() {
  const [deployer, gateway] = await ethers.getSigners();
  const { anchor } = await deploySealtrail(deployer!, {
    admin: deployer!.address,
    anchorers: [gateway!.address],
    registrars: [],
  });
  const anchorContract = anchor.contract.connect(gateway!);
  await (await anchorContract.anchorBatch(readTrees().map((tree) => tree.root))).wait();
  return { anchor: anchorContract };
}

describe("golden vectors (test/vectors/protocol-v1.json) on chain", () => {
  // The vector file is committed: its absence is a broken checkout, not a reason to skip.
  it(`finds the committed ${VECTORS_PATH}`, () => {
    expect(
      existsSync(VECTORS_FILE),
      `${VECTORS_PATH} is missing; \`npm run vectors\` regenerates it`,
    ).to.equal(true);
  });
  if (!existsSync(VECTORS_FILE)) return;
  const trees = readTrees();

  for (const [t, tree] of trees.entries()) {
    describe(`tree ${t} (${tree.messageIds.length} messages, root ${tree.root.slice(0, 10)}…)`, () => {
      it('has the root StandardMerkleTree.of(messageIds, ["bytes32"]) computes', () => {
        const rebuilt = StandardMerkleTree.of(
          tree.messageIds.map((id) => [id]),
          ["bytes32"],
        );
        expect(rebuilt.root).to.equal(tree.root);
        expect(tree.proofs).to.have.length(tree.messageIds.length);
      });

      it("verifies every message's proof on chain with verifyInclusion against the anchored root", async () => {
        const { anchor } = await networkHelpers.loadFixture(deployAnchoredVectorsFixture);
        for (const [i, id] of tree.messageIds.entries()) {
          expect(await anchor.verifyInclusion(tree.root, tree.proofs[i]!, id), `message ${i}`).to.equal(true);
        }
      });

      it("refuses each proof for a message id outside the tree", async () => {
        const { anchor } = await networkHelpers.loadFixture(deployAnchoredVectorsFixture);
        const outsider = ethers.id(`not in tree ${t}`);
        for (const proof of tree.proofs) {
          expect(await anchor.verifyInclusion(tree.root, proof, outsider)).to.equal(false);
        }
      });
    });
  }
});
