// The store contract: storing and listing readings.
import { beforeEach, describe, expect, it } from "@jest/globals";
import type { Address } from "#protocol";
import type { Store } from "../types.ts";
import { dev, dev2, other, type StoreUnderTest, sealAll, storeReadings, target } from "./context.ts";
import { reading } from "./fixtures.ts";

/** Inserts (duplicates, equivocation, group commit) and every listing order, cursor and filter. */
export function messagesContract(current: () => StoreUnderTest): void {
  describe("messages", () => {
    let store: StoreUnderTest;
    beforeEach(() => {
      store = current();
    });

    it("stores a reading with its exact bytes and reads every field back", async () => {
      const r = reading(dev, 1);
      expect(await store.insertMessage(r)).toEqual({ status: "inserted" });
      expect(await store.getMessage(r.messageId)).toEqual({ ...r, batchId: null });
      expect(await store.getMessage(`0x${"ee".repeat(32)}`)).toBeUndefined();
      expect(await store.countMessages()).toBe(1);
    });

    it("acknowledges an identical duplicate again and stores it once", async () => {
      const r = reading(dev, 1);
      await store.insertMessage(r);
      expect(await store.insertMessage(r)).toEqual({ status: "duplicate" });
      expect(await store.countMessages()).toBe(1);
    });

    it("refuses another message with a used (device, seq) as equivocation, naming the stored one", async () => {
      const r = reading(dev, 1);
      await store.insertMessage(r);
      const twin = reading(dev, 1, { variant: "twin" });
      expect(await store.insertMessage(twin)).toEqual({ status: "equivocation", existingId: r.messageId });
      expect(await store.getMessage(twin.messageId)).toBeUndefined();
      // The same seq of another device is no conflict.
      expect(await store.insertMessage(reading(dev2, 1))).toEqual({ status: "inserted" });
    });

    it("When many inserts arrive at once (one group commit), then each gets its own outcome and arrival numbers stay dense", async () => {
      const batch = Array.from({ length: 60 }, (_, i) => reading(i % 2 ? dev : dev2, Math.floor(i / 2) + 1));
      const twin = reading(dev, 3, { variant: "twin" });
      const outcomes = await Promise.all([
        ...batch.map((r) => store.insertMessage(r)),
        store.insertMessage(batch[0]!),
        store.insertMessage(twin),
      ]);
      expect(outcomes.slice(0, 60).every((o) => o.status === "inserted")).toBe(true);
      expect(outcomes[60]).toEqual({ status: "duplicate" });
      expect(outcomes[61]).toEqual({ status: "equivocation", existingId: reading(dev, 3).messageId });
      const listed = await store.listMessages({ limit: 100 });
      expect(listed.messages.map((m) => m.arrival)).toEqual(
        Array.from({ length: 60 }, (_, i) => listed.messages[0]!.arrival + i),
      );
    });

    it("lists a device's readings by seq within a device-time window, up to a limit", async () => {
      await storeReadings(store, dev, 5);
      await storeReadings(store, dev2, 2);
      const all = await store.listDeviceMessages(dev);
      expect(all.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
      const window = await store.listDeviceMessages(dev, {
        fromTs: reading(dev, 2).deviceTs,
        toTs: reading(dev, 4).deviceTs,
        limit: 2,
      });
      expect(window.map((m) => m.seq)).toEqual([2, 3]);
    });

    it("lists in arrival order by default, by seq for a device, by receive time for a window, and resumes after a cursor", async () => {
      await store.insertMessage(reading(dev, 1, { receivedAt: 30 }));
      await store.insertMessage(reading(dev2, 1, { receivedAt: 10 }));
      await store.insertMessage(reading(dev, 2, { receivedAt: 20 }));
      await store.insertMessage(reading(dev, 3, { receivedAt: 20 }));

      const arrival = await store.listMessages({ limit: 10 });
      expect(arrival.order).toBe("arrival");
      expect(arrival.messages.map((m) => [m.device, m.seq])).toEqual([
        [dev, 1],
        [dev2, 1],
        [dev, 2],
        [dev, 3],
      ]);
      const page1 = await store.listMessages({ limit: 2 });
      const last = page1.messages[1]!;
      const page2 = await store.listMessages({
        limit: 10,
        after: { seq: last.seq, receivedAt: last.receivedAt, arrival: last.arrival },
      });
      expect([...page1.messages, ...page2.messages]).toEqual(arrival.messages);

      const bySeq = await store.listMessages({ device: dev, limit: 2 });
      expect(bySeq.order).toBe("seq");
      expect(bySeq.messages.map((m) => m.seq)).toEqual([1, 2]);
      const bySeq2 = await store.listMessages({
        device: dev,
        limit: 10,
        after: { seq: 2, receivedAt: 0, arrival: 0 },
      });
      expect(bySeq2.messages.map((m) => m.seq)).toEqual([3]);

      const received = await store.listMessages({ receivedFrom: 15, limit: 10 });
      expect(received.order).toBe("received");
      // Ties on receive time come in arrival order.
      expect(received.messages.map((m) => [m.receivedAt, m.seq])).toEqual([
        [20, 2],
        [20, 3],
        [30, 1],
      ]);
      const first = received.messages[0]!;
      const resumed = await store.listMessages({
        receivedFrom: 15,
        limit: 10,
        after: { seq: first.seq, receivedAt: first.receivedAt, arrival: first.arrival },
      });
      expect(resumed.messages.map((m) => [m.receivedAt, m.seq])).toEqual([
        [20, 3],
        [30, 1],
      ]);
      const window = await store.listMessages({
        deviceTsFrom: reading(dev, 2).deviceTs,
        deviceTsTo: reading(dev, 2).deviceTs,
        limit: 10,
      });
      expect(window.messages.map((m) => [m.device, m.seq])).toEqual([[dev, 2]]);
    });

    it("lists by batch and by summary anchor status over the given targets", async () => {
      await storeReadings(store, dev, 2);
      const b1 = await sealAll(store, "1");
      await storeReadings(store, dev, 2, 3);
      const b2 = await sealAll(store, "2");
      await storeReadings(store, dev, 1, 5);
      await store.putAnchor(target, b1.id, { status: "included", txHash: `0x${"aa".repeat(32)}` });
      // Another target's progress does not count for a query over `target` only.
      await store.putAnchor(other, b2.id, { status: "final" });

      const seqs = async (query: Parameters<Store["listMessages"]>[0]) =>
        (await store.listMessages(query)).messages.map((m) => m.seq);
      expect(await seqs({ batchId: b2.id, limit: 10 })).toEqual([3, 4]);
      expect(await seqs({ batchId: 999, limit: 10 })).toEqual([]);
      expect(await seqs({ anchorStatus: { status: "pending", targets: [target] }, limit: 10 })).toEqual([5]);
      expect(await seqs({ anchorStatus: { status: "included", targets: [target] }, limit: 10 })).toEqual([
        1, 2,
      ]);
      expect(await seqs({ anchorStatus: { status: "sealed", targets: [target] }, limit: 10 })).toEqual([
        3, 4,
      ]);
      expect(await seqs({ anchorStatus: { status: "final", targets: [target, other] }, limit: 10 })).toEqual([
        3, 4,
      ]);
      // Contracts compare without regard to case, as the API's summary does.
      const upper = {
        chainId: target.chainId,
        contract: target.contract.toUpperCase().replace("0X", "0x") as Address,
      };
      expect(await seqs({ anchorStatus: { status: "included", targets: [upper] }, limit: 10 })).toEqual([
        1, 2,
      ]);
      expect(
        (await store.listMessages({ batchId: b1.id, limit: 10 })).messages.every((m) => m.batchId === b1.id),
      ).toBe(true);
    });
  });
}
