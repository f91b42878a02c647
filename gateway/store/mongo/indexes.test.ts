import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import type mongoose from "mongoose";
import { address, DL, event, reading } from "../contract/fixtures.ts";
import { MongoStore } from "./MongoStore.ts";
import { COLLECTION_NAMES } from "./models.ts";
import { READING_FIELDS } from "./provenance.ts";

/*
 * The indexes the store relies on: the unique ones that turn a second gateway's duplicate or equivocating
 * write into a duplicate-key error whatever the store's own checks saw, and the ones provenance, EPCIS
 * queries and listings read, checked with explain() on a real server. The substitute (jongodb) has no
 * explain: there the plan tests are skipped, and only the definitions and the unique guards are checked.
 */
const url = process.env.SEALTRAIL_TEST_MONGO_URL ?? "";
const substitute = process.env.SEALTRAIL_TEST_MONGO_SUBSTITUTE ?? "";

if (url === "") {
  describe("MongoStore indexes", () => {
    it.skip("needs a MongoDB replica set: set SEALTRAIL_TEST_MONGO_URL=mongodb://… (docs/operations.md § MongoDB)", () => {});
  });
} else {
  const dbName = `sealtrail_indexes_${process.pid}`;
  let store: MongoStore;
  beforeEach(async () => {
    store = await MongoStore.open(url, { dbName, serverSelectionTimeoutMs: 5_000 });
  });
  afterEach(async () => {
    for (const name of COLLECTION_NAMES) await store.db.collection(name).deleteMany({});
    await store.close();
  });

  const dev = address("device");

  describe("MongoStore indexes", () => {
    it("defines the unique indexes for duplicates, equivocation, batches, GIAIs, event hashes and tokens", async () => {
      const unique = async (collection: string) =>
        Object.fromEntries(
          (await store.db.collection(collection).listIndexes().toArray())
            .filter((i) => i.unique === true)
            .map((i) => [i.name as string, i.key as Record<string, number>]),
        );
      expect(await unique("messages")).toMatchObject({
        arrival: { n: 1 },
        device_seq: { device: 1, seq: 1 },
      });
      expect(await unique("batches")).toMatchObject({ last_arrival: { lastN: 1 }, root: { root: 1 } });
      expect(await unique("anchors")).toMatchObject({
        batch_target: { batchId: 1, chainId: 1, contract: 1 },
      });
      expect(await unique("devices")).toMatchObject({ giai: { giai: 1 } });
      expect(await unique("events")).toMatchObject({
        event_hash: { eventHash: 1 },
        message_id: { messageId: 1 },
      });
      expect(await unique("organisation_credentials")).toMatchObject({ token: { tokenSha256: 1 } });
    });

    it("When another writer stores the same (device, seq) behind the store's back, then the server refuses it", async () => {
      await store.insertMessage(reading(dev, 1));
      const twin = reading(dev, 1, { variant: "twin" });
      await expect(
        store.db.collection("messages").insertOne({
          _id: Buffer.from(twin.messageId.slice(2), "hex"),
          n: 99,
          kind: "reading",
          device: dev,
          seq: 1,
          raw: Buffer.from(twin.raw),
          deviceTs: 1,
          receivedAt: 1,
        } as unknown as mongoose.mongo.Document),
      ).rejects.toMatchObject({ code: 11000 });
      // Events have no seq: the equivocation index does not count them (it is partial).
      expect(
        await store.insertEvents([event("a", { signer: dev }), event("b", { signer: dev })], {
          allOrNothing: true,
        }),
      ).toEqual([{ status: "inserted" }, { status: "inserted" }]);
    });

    (substitute === "" ? describe : describe.skip)("query plans (explain, real MongoDB only)", () => {
      /** Every stage and index name of a winning plan, whatever the engine's nesting. */
      function planOf(explain: mongoose.mongo.Document): { stages: string[]; indexes: string[] } {
        const stages: string[] = [];
        const indexes: string[] = [];
        const walk = (node: unknown) => {
          if (Array.isArray(node)) for (const n of node) walk(n);
          else if (node !== null && typeof node === "object") {
            const o = node as Record<string, unknown>;
            if (typeof o.stage === "string") stages.push(o.stage);
            if (typeof o.indexName === "string") indexes.push(o.indexName);
            for (const [k, v] of Object.entries(o)) if (k !== "rejectedPlans") walk(v);
          }
        };
        walk((explain.queryPlanner as Record<string, unknown>).winningPlan);
        return { stages, indexes };
      }

      it("reads a sensor's readings from the device_readings index alone (covered: no FETCH, no SORT)", async () => {
        for (let seq = 1; seq <= 5; seq++) await store.insertMessage(reading(dev, seq));
        const plan = planOf(
          await store.db
            .collection("messages")
            .find(
              { device: dev, kind: "reading", deviceTs: { $gte: 0, $lte: 10 ** 13 } },
              { sort: { deviceTs: 1, seq: 1 }, projection: READING_FIELDS },
            )
            .explain("queryPlanner"),
        );
        expect(plan.indexes).toEqual(["device_readings"]);
        expect(plan.stages).not.toContain("FETCH");
        expect(plan.stages).not.toContain("SORT");
        expect(plan.stages).not.toContain("COLLSCAN");
      });

      it("finds the events naming a product through the epcs index, and pages EPCIS queries without a collection scan", async () => {
        await store.insertEvents([event("1"), event("2")], { allOrNothing: true });
        const naming = planOf(
          await store.db
            .collection("events")
            .find({ "epcs.epc": { $in: [DL("1")] } })
            .sort({ eventTime: 1, _id: 1 })
            .explain("queryPlanner"),
        );
        expect(naming.indexes).toContain("epcs");
        const byTime = planOf(
          await store.db
            .collection("events")
            .find({ eventTime: { $gte: 0 } })
            .sort({ eventTime: 1, _id: 1 })
            .limit(10)
            .explain("queryPlanner"),
        );
        expect(byTime.indexes).toContain("event_time");
        expect(byTime.stages).not.toContain("SORT");
      });

      it("walks each message listing's index in order (no SORT stage)", async () => {
        for (let seq = 1; seq <= 5; seq++) await store.insertMessage(reading(dev, seq));
        const listing = async (filter: mongoose.mongo.Document, sort: mongoose.mongo.Sort) =>
          planOf(
            await store.db.collection("messages").find(filter).sort(sort).limit(10).explain("queryPlanner"),
          );
        const bySeq = await listing({ kind: "reading", device: dev, seq: { $gt: 2 } }, { device: 1, seq: 1 });
        expect(bySeq.indexes).toEqual(["device_seq"]);
        expect(bySeq.stages).not.toContain("SORT");
        const byReceipt = await listing(
          { kind: "reading", receivedAt: { $gte: 0 } },
          { receivedAt: 1, n: 1 },
        );
        expect(byReceipt.indexes).toEqual(["received_arrival"]);
        expect(byReceipt.stages).not.toContain("SORT");
        const byArrival = await listing({ kind: "reading", n: { $gt: 1 } }, { n: 1 });
        expect(byArrival.indexes).toEqual(["arrival"]);
        expect(byArrival.stages).not.toContain("SORT");
      });
    });
  });
}
