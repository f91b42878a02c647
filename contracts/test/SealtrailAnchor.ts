import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { network } from "hardhat";
import { describe, it } from "mocha";
import { ANCHORER_ROLE, deploySealtrail } from "../index.ts";

const { ethers, networkHelpers } = await network.create({ chainType: "op" });

const ANCHOR_GAS_BUDGET = 50_000n;

async function deployAnchorFixture() {
  const [deployer, admin, gatewayA, gatewayB, stranger] = await ethers.getSigners();
  const deployment = await deploySealtrail(deployer!, {
    admin: admin!.address,
    anchorers: [gatewayA!.address, gatewayB!.address],
    registrars: [],
  });
  const anchor = deployment.anchor.contract;
  return {
    anchor,
    admin: admin!,
    gatewayA: anchor.connect(gatewayA!),
    gatewayB: anchor.connect(gatewayB!),
    gatewayAddress: gatewayA!.address,
    gatewayBAddress: gatewayB!.address,
    stranger: stranger!,
  };
}

/** Distinct message ids, as the gateway computes them: keccak256 of some bytes. */
function messageIds(count: number, salt: string): string[] {
  return Array.from({ length: count }, (_, i) => ethers.id(`${salt}/${i}`));
}

function treeOf(ids: string[]) {
  return StandardMerkleTree.of(
    ids.map((id) => [id]),
    ["bytes32"],
  );
}

async function blockTimestampOf(tx: { wait(): Promise<{ blockNumber: number } | null> }): Promise<number> {
  const receipt = await tx.wait();
  const block = await ethers.provider.getBlock(receipt!.blockNumber);
  return block!.timestamp;
}

describe("SealtrailAnchor", () => {
  describe("anchor", () => {
    it("stores the block timestamp and anchorer of a root and emits RootAnchored(root, anchorer, timestamp)", async () => {
      const { gatewayA, gatewayAddress } = await networkHelpers.loadFixture(deployAnchorFixture);
      const root = ethers.id("batch 1");

      const tx = await gatewayA.anchor(root);
      const timestamp = await blockTimestampOf(tx);

      await expect(tx).to.emit(gatewayA, "RootAnchored").withArgs(root, gatewayAddress, timestamp);
      expect(await gatewayA.anchoredAt(root)).to.equal(BigInt(timestamp));
      const record = await gatewayA.anchorOf(root);
      expect(record.timestamp).to.equal(BigInt(timestamp));
      expect(record.anchorer).to.equal(gatewayAddress);
    });

    it("puts the root in the first indexed topic, so a verifier finds the anchoring with one log filter", async () => {
      const { gatewayA } = await networkHelpers.loadFixture(deployAnchorFixture);
      const root = ethers.id("find me");
      await (await gatewayA.anchor(ethers.id("another batch"))).wait();
      const receipt = await (await gatewayA.anchor(root)).wait();

      const [log] = receipt!.logs;
      expect(log!.topics[0]).to.equal(gatewayA.interface.getEvent("RootAnchored")!.topicHash);
      expect(log!.topics[1]).to.equal(root);

      const found = await gatewayA.queryFilter(gatewayA.filters.RootAnchored!(root));
      expect(found.map((event) => event.transactionHash)).to.deep.equal([receipt!.hash]);
    });

    it("answers 0 for a root that was never anchored", async () => {
      const { anchor } = await networkHelpers.loadFixture(deployAnchorFixture);
      expect(await anchor.anchoredAt(ethers.id("unknown"))).to.equal(0n);
      const record = await anchor.anchorOf(ethers.id("unknown"));
      expect(record.timestamp).to.equal(0n);
      expect(record.anchorer).to.equal(ethers.ZeroAddress);
    });

    it("refuses the zero root with SealtrailAnchorZeroRoot", async () => {
      const { gatewayA } = await networkHelpers.loadFixture(deployAnchorFixture);
      await expect(gatewayA.anchor(ethers.ZeroHash)).to.be.revertedWithCustomError(
        gatewayA,
        "SealtrailAnchorZeroRoot",
      );
    });

    it("never overwrites a root: anchoring it again reverts with SealtrailAnchorAlreadyAnchored(root, firstTime)", async () => {
      const { gatewayA, gatewayB, gatewayAddress } = await networkHelpers.loadFixture(deployAnchorFixture);
      const root = ethers.id("once");
      const first = await blockTimestampOf(await gatewayA.anchor(root));
      await networkHelpers.time.increase(3600);

      await expect(gatewayB.anchor(root))
        .to.be.revertedWithCustomError(gatewayB, "SealtrailAnchorAlreadyAnchored")
        .withArgs(root, first);
      expect(await gatewayA.anchoredAt(root)).to.equal(BigInt(first));
      expect((await gatewayA.anchorOf(root)).anchorer).to.equal(gatewayAddress);
    });

    it(`costs at most ${ANCHOR_GAS_BUDGET} gas for one root, the whole transaction included`, async () => {
      const { gatewayA } = await networkHelpers.loadFixture(deployAnchorFixture);
      const receipt = await (await gatewayA.anchor(ethers.id("gas"))).wait();
      expect(receipt!.gasUsed <= ANCHOR_GAS_BUDGET, `gasUsed ${receipt!.gasUsed}`).to.equal(true);
    });
  });

  describe("anchorBatch", () => {
    it("anchors every new root at the block timestamp with one RootAnchored each", async () => {
      const { gatewayA, gatewayAddress } = await networkHelpers.loadFixture(deployAnchorFixture);
      const roots = messageIds(3, "batch");
      expect(await gatewayA.anchorBatch.staticCall(roots)).to.equal(3n);

      const tx = await gatewayA.anchorBatch(roots);
      const timestamp = await blockTimestampOf(tx);
      for (const root of roots) {
        await expect(tx).to.emit(gatewayA, "RootAnchored").withArgs(root, gatewayAddress, timestamp);
        expect(await gatewayA.anchoredAt(root)).to.equal(BigInt(timestamp));
      }
    });

    it("When a batch is retried after a partial success, then only the missing roots are anchored and announced", async () => {
      const { gatewayA } = await networkHelpers.loadFixture(deployAnchorFixture);
      const roots = messageIds(4, "retry");
      const firstTime = await blockTimestampOf(await gatewayA.anchorBatch(roots.slice(0, 2)));
      await networkHelpers.time.increase(60);

      expect(await gatewayA.anchorBatch.staticCall(roots)).to.equal(2n);
      const receipt = await (await gatewayA.anchorBatch(roots)).wait();
      const announced = receipt!.logs.map((log) => log.topics[1]);
      expect(announced).to.deep.equal(roots.slice(2));
      expect(await gatewayA.anchoredAt(roots[0]!)).to.equal(BigInt(firstTime));

      const again = await (await gatewayA.anchorBatch(roots)).wait();
      expect(again!.logs).to.have.length(0);
    });

    it("reverts the whole batch with SealtrailAnchorZeroRoot when any root is zero", async () => {
      const { gatewayA } = await networkHelpers.loadFixture(deployAnchorFixture);
      const roots = [...messageIds(2, "zero"), ethers.ZeroHash];
      await expect(gatewayA.anchorBatch(roots)).to.be.revertedWithCustomError(
        gatewayA,
        "SealtrailAnchorZeroRoot",
      );
      expect(await gatewayA.anchoredAt(roots[0]!)).to.equal(0n);
    });

    it("refuses an empty batch with SealtrailAnchorEmptyBatch", async () => {
      const { gatewayA } = await networkHelpers.loadFixture(deployAnchorFixture);
      await expect(gatewayA.anchorBatch([])).to.be.revertedWithCustomError(
        gatewayA,
        "SealtrailAnchorEmptyBatch",
      );
    });
  });

  describe("roles", () => {
    it("refuses anchor and anchorBatch from an account without the anchorer role", async () => {
      const { anchor, admin, stranger } = await networkHelpers.loadFixture(deployAnchorFixture);
      for (const signer of [admin, stranger]) {
        const asSigner = anchor.connect(signer);
        await expect(asSigner.anchor(ethers.id("x")))
          .to.be.revertedWithCustomError(anchor, "AccessControlUnauthorizedAccount")
          .withArgs(signer.address, ANCHORER_ROLE);
        await expect(asSigner.anchorBatch([ethers.id("x")]))
          .to.be.revertedWithCustomError(anchor, "AccessControlUnauthorizedAccount")
          .withArgs(signer.address, ANCHORER_ROLE);
      }
    });

    it("lets the admin retire a gateway key: once revoked it can no longer anchor", async () => {
      const { anchor, admin, gatewayB, gatewayBAddress } =
        await networkHelpers.loadFixture(deployAnchorFixture);
      await expect(anchor.connect(admin).revokeRole(ANCHORER_ROLE, gatewayBAddress))
        .to.emit(anchor, "RoleRevoked")
        .withArgs(ANCHORER_ROLE, gatewayBAddress, admin.address);
      await expect(gatewayB.anchor(ethers.id("late")))
        .to.be.revertedWithCustomError(anchor, "AccessControlUnauthorizedAccount")
        .withArgs(gatewayBAddress, ANCHORER_ROLE);
    });
  });

  describe("verifyInclusion with StandardMerkleTree proofs", () => {
    const sizes = [1, 2, 3, 4, 5, 8, 13, 33, 100];

    it(`verifies every proof of StandardMerkleTree.of(ids, ["bytes32"]) trees of ${sizes.join(", ")} messages`, async () => {
      const { gatewayA } = await networkHelpers.loadFixture(deployAnchorFixture);
      const trees = sizes.map((size) => {
        const ids = messageIds(size, `tree-${size}`);
        return { ids, tree: treeOf(ids) };
      });
      await (await gatewayA.anchorBatch(trees.map(({ tree }) => tree.root))).wait();

      for (const { ids, tree } of trees) {
        for (const [i, id] of ids.entries()) {
          const proof = tree.getProof(i);
          expect(
            await gatewayA.verifyInclusion(tree.root, proof, id),
            `size ${ids.length}, leaf ${i}`,
          ).to.equal(true);
        }
      }
    });

    it("computes the leaf like the library: a one-message tree's root is its leafHash, proven by an empty proof", async () => {
      const { gatewayA } = await networkHelpers.loadFixture(deployAnchorFixture);
      const [id] = messageIds(1, "single");
      const tree = treeOf([id!]);
      expect(tree.root).to.equal(tree.leafHash([id!]));
      expect(await gatewayA.verifyProof(tree.root, [], id!)).to.equal(true);
    });

    it("refuses a non-member id, a tampered proof and a proof from another tree", async () => {
      const { gatewayA } = await networkHelpers.loadFixture(deployAnchorFixture);
      const ids = messageIds(8, "members");
      const tree = treeOf(ids);
      const other = treeOf(messageIds(8, "others"));
      await (await gatewayA.anchorBatch([tree.root, other.root])).wait();
      const proof = tree.getProof(3);

      expect(await gatewayA.verifyInclusion(tree.root, proof, ethers.id("not a member"))).to.equal(false);
      const tampered = [...proof];
      tampered[1] = ethers.id("tampered");
      expect(await gatewayA.verifyInclusion(tree.root, tampered, ids[3]!)).to.equal(false);
      expect(await gatewayA.verifyInclusion(tree.root, proof.slice(0, -1), ids[3]!)).to.equal(false);
      expect(await gatewayA.verifyInclusion(other.root, proof, ids[3]!)).to.equal(false);
    });

    it("refuses a valid proof against a root that is not anchored, which verifyProof still accepts", async () => {
      const { gatewayA } = await networkHelpers.loadFixture(deployAnchorFixture);
      const ids = messageIds(5, "unanchored");
      const tree = treeOf(ids);
      const proof = tree.getProof(4);

      expect(await gatewayA.verifyProof(tree.root, proof, ids[4]!)).to.equal(true);
      expect(await gatewayA.verifyInclusion(tree.root, proof, ids[4]!)).to.equal(false);
      await (await gatewayA.anchor(tree.root)).wait();
      expect(await gatewayA.verifyInclusion(tree.root, proof, ids[4]!)).to.equal(true);
    });
  });
});
