import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import type mongoose from "mongoose";
import { address, event, publicKey, reading, root } from "../contract/fixtures.ts";
import { MongoStore } from "./MongoStore.ts";
import { COLLECTION_NAMES } from "./models.ts";

/*
 * Invariant 1 on MongoDB: a write resolves only after the server acknowledged it with w:"majority", j:true.
 * These tests watch the commands the driver sends (what the store asks for); what a server does with that
 * request is the server's part, which only a real replica set shows (docs/operations.md § MongoDB).
 */
const url = process.env.SEALTRAIL_TEST_MONGO_URL ?? "";

type Sent = { name: string; command: Record<string, unknown>; at: number };

if (url === "") {
  describe("MongoStore durable writes", () => {
    it.skip("needs a MongoDB replica set: set SEALTRAIL_TEST_MONGO_URL=mongodb://… (docs/operations.md § MongoDB)", () => {});
  });
} else {
  const WRITES = new Set(["insert", "update", "delete", "findAndModify", "commitTransaction"]);
  const READS = new Set(["find", "aggregate", "count"]);
  const dbName = `sealtrail_durable_${process.pid}`;
  let store: MongoStore;
  let sent: Sent[];
  let succeeded: Sent[];
  let reads: Sent[];

  beforeEach(async () => {
    store = await MongoStore.open(url, { dbName, monitorCommands: true, serverSelectionTimeoutMs: 5_000 });
    sent = [];
    succeeded = [];
    reads = [];
    store.client.on("commandStarted", (e: mongoose.mongo.CommandStartedEvent) => {
      const entry = { name: e.commandName, command: e.command, at: performance.now() };
      if (WRITES.has(e.commandName)) sent.push(entry);
      if (READS.has(e.commandName)) reads.push(entry);
    });
    store.client.on("commandSucceeded", (e: mongoose.mongo.CommandSucceededEvent) => {
      if (WRITES.has(e.commandName))
        succeeded.push({ name: e.commandName, command: {}, at: performance.now() });
    });
  });
  afterEach(async () => {
    for (const name of COLLECTION_NAMES) await store.db.collection(name).deleteMany({});
    await store.close();
  });

  describe("MongoStore durable writes", () => {
    it("asks for w:majority, j:true on every write: alone, or on the commit of the transaction it is part of", async () => {
      const dev = address("device");
      await store.registerDevice({ address: dev, publicKey: publicKey("d"), label: "d", registeredAt: 1 });
      await store.insertMessage(reading(dev, 1));
      await store.insertEvents([event("1")], { allOrNothing: true });
      const pending = await store.unbatchedSummary(10);
      const batch = await store.sealBatch({
        root: root("1"),
        sealedAt: 1,
        lastN: pending.lastN,
        size: pending.count,
      });
      await store.putAnchor({ chainId: 1, contract: address("c") }, batch.id, { status: "submitted" });
      await store.setMeta("k", "v");
      await store.flagDevice(dev, 5);
      await store.revokeDevice(dev, 6);
      await store.createCaptureJob({
        id: "j",
        organisation: null,
        state: "running",
        createdAt: 1,
        finishedAt: null,
        result: {},
      });
      await store.finishCaptureJob("j", { state: "success", finishedAt: 2, result: {} });

      expect(sent.length).toBeGreaterThan(10);
      for (const { name, command } of sent) {
        const inTransaction = command.autocommit === false;
        if (inTransaction && name !== "commitTransaction") {
          // Inside a transaction only the commit carries a write concern (the server refuses one elsewhere).
          expect(command.writeConcern).toBeUndefined();
        } else {
          expect({ name, writeConcern: command.writeConcern }).toMatchObject({
            name,
            writeConcern: { w: "majority", j: true },
          });
        }
      }
      // Readings, events and batches are written in transactions, as SQLite writes them.
      expect(sent.filter((s) => s.name === "commitTransaction").length).toBeGreaterThanOrEqual(4);
    });

    it("reads only what a majority has (outside transactions, which read their own snapshot)", async () => {
      const dev = address("device");
      await store.insertMessage(reading(dev, 1));
      await store.listMessages({ limit: 10 });
      await store.unbatchedSummary(10);
      await store.readingsAround(dev, 0, 10 ** 13);
      await store.queryEvents({ viewer: { kind: "organisation", id: "acme" }, limit: 10 });
      expect(reads.length).toBeGreaterThan(5);
      for (const { name, command } of reads) {
        // A transaction's read concern travels on its first command only.
        if (command.autocommit === false && command.startTransaction !== true) continue;
        const expected = command.autocommit === false ? { level: "snapshot" } : { level: "majority" };
        expect({ name, readConcern: command.readConcern }).toMatchObject({ name, readConcern: expected });
      }
    });

    it("resolves an insert only after its transaction's commit was acknowledged", async () => {
      const dev = address("device");
      const resolvedAt: number[] = [];
      await Promise.all(
        [1, 2, 3].map((seq) =>
          store.insertMessage(reading(dev, seq)).then(() => resolvedAt.push(performance.now())),
        ),
      );
      const commits = succeeded.filter((s) => s.name === "commitTransaction");
      expect(commits.length).toBeGreaterThanOrEqual(1);
      const firstCommit = Math.min(...commits.map((c) => c.at));
      for (const at of resolvedAt) expect(at).toBeGreaterThanOrEqual(firstCommit);
    });
  });
}
