// The store contract: what provenance reads.
import { beforeEach, describe, expect, it } from "@jest/globals";
import { dev, dev2, type StoreUnderTest, sealAll, storeReadings } from "./context.ts";
import { address, DL, event, prevOf, reading, SSCC, serialOf } from "./fixtures.ts";

/** Events naming a product, a sensor's readings around a window, temperature profiles. */
export function provenanceContract(current: () => StoreUnderTest): void {
  describe("provenance", () => {
    let store: StoreUnderTest;
    beforeEach(() => {
      store = current();
    });

    it("finds every event naming a product or its units, oldest first, with all its identifiers and batch", async () => {
      const pallet = SSCC("7");
      await store.insertEvents(
        [
          event("ship", { eventTime: 300, epcs: [{ epc: DL("p1"), role: "epc" }] }),
          event("pack", {
            eventTime: 100,
            epcs: [
              { epc: pallet, role: "parent" },
              { epc: DL("p1"), role: "child" },
            ],
          }),
          event("move", { eventTime: 200, epcs: [{ epc: pallet, role: "epc" }] }),
          event("unrelated", { eventTime: 50 }),
        ],
        { allOrNothing: true },
      );
      const b = await sealAll(store, "1");
      const found = await store.eventsNaming([DL("p1"), pallet]);
      expect(found.map(serialOf)).toEqual(["pack", "move", "ship"]);
      expect(found[0]).toMatchObject({
        eventTime: 100,
        batchId: b.id,
        organisation: "acme",
        signedBy: "attester",
      });
      // Every identifier with its role; the interface promises no order among them.
      expect(found[0]!.epcs).toHaveLength(2);
      expect(found[0]!.epcs).toEqual(
        expect.arrayContaining([
          { epc: DL("p1"), role: "child" },
          { epc: pallet, role: "parent" },
        ]),
      );
      expect(await store.eventsNaming([])).toEqual([]);
    });

    it("reads a device's readings in a time window with the one before and the one after, prev and temperature included", async () => {
      await storeReadings(store, dev, 6);
      await storeReadings(store, dev2, 3);
      const b = await sealAll(store, "1");
      const window = await store.readingsAround(dev, reading(dev, 2).deviceTs, reading(dev, 4).deviceTs);
      expect(window.truncated).toBe(false);
      expect(window.before).toEqual({
        seq: 1,
        ts: reading(dev, 1).deviceTs,
        messageId: reading(dev, 1).messageId,
        prev: prevOf(dev, 1),
        tempC: 4 + (1 % 3),
        batchId: b.id,
      });
      expect(window.within.map((r) => [r.seq, r.prev, r.tempC])).toEqual(
        [2, 3, 4].map((s) => [s, prevOf(dev, s), 4 + (s % 3)]),
      );
      expect(window.after?.seq).toBe(5);
      const edge = await store.readingsAround(dev, 0, reading(dev, 1).deviceTs);
      expect(edge.before).toBeNull();
      expect(edge.within.map((r) => r.seq)).toEqual([1]);
      const none = await store.readingsAround(address("nobody"), 0, 10 ** 13);
      expect(none).toEqual({ before: null, within: [], after: null, truncated: false });
    });

    it("reads the same window as columns (what a provenance request reads): ids and prevs as bare hex", async () => {
      await storeReadings(store, dev, 6);
      await storeReadings(store, dev2, 3);
      await sealAll(store, "1");
      const from = reading(dev, 2).deviceTs;
      const to = reading(dev, 4).deviceTs;
      const rows = await store.readingsAround(dev, from, to);
      const columns = await store.readingColumnsAround(dev, from, to);
      const bare = (hex: string) => hex.slice(2).toLowerCase();
      expect(columns.truncated).toBe(false);
      expect(columns.within).toEqual({
        count: 3,
        seq: rows.within.map((r) => r.seq),
        ts: rows.within.map((r) => r.ts),
        tempC: rows.within.map((r) => r.tempC),
        batchId: rows.within.map((r) => r.batchId),
        idsHex: rows.within.map((r) => bare(r.messageId)).join(""),
        prevsHex: rows.within.map((r) => bare(r.prev)).join(""),
      });
      expect(columns.before.seq).toEqual([1]);
      expect(columns.after.seq).toEqual([5]);
      const none = await store.readingColumnsAround(address("nobody"), 0, 10 ** 13);
      expect([none.before.count, none.within.count, none.after.count, none.truncated]).toEqual([
        0,
        0,
        0,
        false,
      ]);
    });

    it("creates and replaces a temperature profile, saying which", async () => {
      const profile = {
        gtin: "04012345111118",
        name: "chilled",
        minC: 2,
        maxC: 8,
        maxSingleExcursionMs: 1_800_000,
        maxCumulativeExcursionMs: 3_600_000,
        updatedAt: 1,
      };
      expect(await store.putTemperatureProfile(profile)).toEqual({ created: true, profile });
      const changed = { ...profile, maxC: 6, updatedAt: 2 };
      expect(await store.putTemperatureProfile(changed)).toEqual({ created: false, profile: changed });
      expect(await store.getTemperatureProfile(profile.gtin)).toEqual(changed);
      expect(await store.getTemperatureProfile("default")).toBeUndefined();
    });
  });
}
