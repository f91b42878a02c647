// The store contract: batches and their anchor records.
import { beforeEach, describe, expect, it } from "@jest/globals";
import { StoreErrorCode } from "../storeErrors.ts";
import { dev, other, type StoreUnderTest, sealAll, storeReadings, target } from "./context.ts";
import { reading, root } from "./fixtures.ts";

/** Unbatched summaries, seals and their conflicts. */
export function batchesContract(current: () => StoreUnderTest): void {
  describe("batches", () => {
    let store: StoreUnderTest;
    beforeEach(() => {
      store = current();
    });

    it("summarises the unbatched messages in arrival order, at most maxSize ahead", async () => {
      expect(await store.unbatchedSummary(10)).toEqual({ count: 0, lastN: 0, oldestReceivedAt: null });
      await storeReadings(store, dev, 5);
      const all = await store.unbatchedSummary(10);
      expect(all.count).toBe(5);
      expect(all.oldestReceivedAt).toBe(reading(dev, 1).receivedAt);
      const three = await store.unbatchedSummary(3);
      expect(three.count).toBe(3);
      const ids = await store.readUnbatchedIds(await store.lastBatchedN(), three.lastN, 100);
      expect(ids.count).toBe(3);
      expect(ids.lastN).toBe(three.lastN);
      const hexIds = Array.from({ length: 3 }, (_, i) =>
        Buffer.from(ids.ids.subarray(i * 32, i * 32 + 32)).toString("hex"),
      ).map((h) => `0x${h}`);
      expect(hexIds).toEqual([1, 2, 3].map((s) => reading(dev, s).messageId));
    });

    it("seals a batch over the unbatched run; its messages know their batch; the next batch starts after it", async () => {
      const stored = await storeReadings(store, dev, 3);
      const pending = await store.unbatchedSummary(2);
      const b1 = await store.sealBatch({ root: root("1"), sealedAt: 7, lastN: pending.lastN, size: 2 });
      expect(b1).toEqual({ id: b1.id, root: root("1"), size: 2, sealedAt: 7 });
      expect(await store.lastBatchedN()).toBe(pending.lastN);
      expect(await store.getBatch(b1.id)).toEqual(b1);
      expect(await store.batchMessageIds(b1.id)).toEqual(stored.slice(0, 2).map((r) => r.messageId));
      expect((await store.getMessage(stored[0]!.messageId))?.batchId).toBe(b1.id);
      expect((await store.getMessage(stored[2]!.messageId))?.batchId).toBeNull();
      expect((await store.unbatchedSummary(10)).count).toBe(1);
      const b2 = await sealAll(store, "2");
      expect(b2.id).toBeGreaterThan(b1.id);
      expect(await store.batchMessageIds(b2.id)).toEqual([stored[2]!.messageId]);
      expect((await store.listBatches()).map((b) => b.id)).toEqual([b1.id, b2.id]);
      expect((await store.listBatches({ afterId: b1.id, limit: 5 })).map((b) => b.id)).toEqual([b2.id]);
      expect(await store.getBatch(b2.id + 100)).toBeUndefined();
    });

    it("refuses a seal whose size does not match the unbatched messages (BATCH_CONFLICT), writing nothing", async () => {
      await storeReadings(store, dev, 3);
      const pending = await store.unbatchedSummary(10);
      await expect(
        store.sealBatch({ root: root("x"), sealedAt: 1, lastN: pending.lastN, size: 2 }),
      ).rejects.toMatchObject({ code: StoreErrorCode.BatchConflict });
      expect(await store.listBatches()).toEqual([]);
      expect(await store.lastBatchedN()).toBe(0);
    });
  });
}

/** Anchor records per target: due batches, updates, resets. */
export function anchorsContract(current: () => StoreUnderTest): void {
  describe("anchors", () => {
    let store: StoreUnderTest;
    beforeEach(() => {
      store = current();
    });

    it("lists the batches a target has no record for, oldest first; another target's records do not count", async () => {
      await storeReadings(store, dev, 1);
      const b1 = await sealAll(store, "1");
      await storeReadings(store, dev, 1, 2);
      const b2 = await sealAll(store, "2");
      await storeReadings(store, dev, 1, 3);
      const b3 = await sealAll(store, "3");
      expect((await store.batchesToAnchor(target, 10)).map((b) => b.id)).toEqual([b1.id, b2.id, b3.id]);
      await store.putAnchor(target, b2.id, { status: "submitted" });
      await store.putAnchor(other, b1.id, { status: "submitted" });
      expect((await store.batchesToAnchor(target, 10)).map((b) => b.id)).toEqual([b1.id, b3.id]);
      expect((await store.batchesToAnchor(target, 1)).map((b) => b.id)).toEqual([b1.id]);
      await store.putAnchor(target, b1.id, { status: "submitted" });
      expect(await store.batchesToAnchor(target, 10)).toEqual([b3]);
    });

    it("creates an anchor record, then updates it keeping the fields an update leaves out", async () => {
      await storeReadings(store, dev, 1);
      const b = await sealAll(store, "1");
      const created = await store.putAnchor(target, b.id, {
        status: "submitted",
        txHash: `0x${"ab".repeat(32)}`,
        nonce: 3,
        rawTx: "0x02f8",
        maxFeePerGas: "1000",
        maxPriorityFeePerGas: "10",
        submittedAt: 100,
        attempts: 1,
        updatedAt: 100,
      });
      expect(created).toEqual({
        ...target,
        batchId: b.id,
        root: b.root,
        status: "submitted",
        txHash: `0x${"ab".repeat(32)}`,
        nonce: 3,
        rawTx: "0x02f8",
        maxFeePerGas: "1000",
        maxPriorityFeePerGas: "10",
        submittedAt: 100,
        attempts: 1,
        blockNumber: null,
        blockTimestamp: null,
        gasUsed: null,
        feeWei: null,
        updatedAt: 100,
      });
      const included = await store.putAnchor(target, b.id, {
        status: "included",
        blockNumber: 12,
        blockTimestamp: 1_700,
        gasUsed: "59332",
        feeWei: "123",
        updatedAt: 200,
      });
      expect(included).toEqual({
        ...created,
        status: "included",
        blockNumber: 12,
        blockTimestamp: 1_700,
        gasUsed: "59332",
        feeWei: "123",
        updatedAt: 200,
      });
      expect(await store.getAnchors(b.id)).toEqual([included]);
      expect(await store.listAnchors(target, ["included", "final"])).toEqual([included]);
      expect(await store.listAnchors(target, ["submitted"])).toEqual([]);
      expect(await store.anchorsOfBatches([b.id, 999])).toEqual(
        new Map([[b.id, [{ chainId: target.chainId, contract: target.contract, status: "included" }]]]),
      );
    });

    it("When a target's chain is reset, then its records go and its batches are due again; other targets keep theirs", async () => {
      await storeReadings(store, dev, 1);
      const b = await sealAll(store, "1");
      await store.putAnchor(target, b.id, { status: "final" });
      await store.putAnchor(other, b.id, { status: "final" });
      expect(await store.resetAnchors(target)).toBe(1);
      expect((await store.batchesToAnchor(target, 10)).map((x) => x.id)).toEqual([b.id]);
      expect((await store.getAnchors(b.id)).map((a) => a.chainId)).toEqual([other.chainId]);
    });

    it("grants a target's anchoring lease to one holder at a time, until it expires or is given up", async () => {
      const lease = 60_000;
      expect(await store.claimAnchoring(target, "gateway A", 1_000, lease)).toBe(true);
      // Live: B is refused, A renews; another target's lease is independent.
      expect(await store.claimAnchoring(target, "gateway B", 30_000, lease)).toBe(false);
      expect(await store.claimAnchoring(target, "gateway A", 30_000, lease)).toBe(true);
      expect(await store.claimAnchoring(other, "gateway B", 30_000, lease)).toBe(true);
      expect(await store.claimAnchoring(target, "gateway B", 89_999, lease)).toBe(false);
      // Expired (A dead since its renewal at 30 s): B takes it over, and A is now refused.
      expect(await store.claimAnchoring(target, "gateway B", 90_000, lease)).toBe(true);
      expect(await store.claimAnchoring(target, "gateway A", 90_001, lease)).toBe(false);
      // Given up (lease 0): A takes it at once.
      expect(await store.claimAnchoring(target, "gateway B", 100_000, 0)).toBe(true);
      expect(await store.claimAnchoring(target, "gateway A", 100_000, lease)).toBe(true);
    });

    it("grants a free lease to exactly one of many concurrent claimants", async () => {
      const claims = await Promise.all(
        ["A", "B", "C", "D", "E", "F"].map((h) => store.claimAnchoring(target, h, 1_000, 60_000)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
    });
  });
}
