import { afterAll, describe, it } from "@jest/globals";
import mongoose from "mongoose";
import { describeStoreContract } from "../contract/storeContract.ts";
import { MongoStore } from "./MongoStore.ts";
import { COLLECTION_NAMES } from "./models.ts";

/*
 * The MongoDB store against the contract every store keeps. It needs a server: a replica set (one node is
 * enough) at SEALTRAIL_TEST_MONGO_URL. CI runs it against a wire-compatible substitute (npm run
 * test:mongo, scripts/testMongoSubstitute.ts); docs/operations.md § MongoDB says what that run cannot
 * prove and how to run it against a real replica set.
 */
const url = process.env.SEALTRAIL_TEST_MONGO_URL ?? "";

if (url === "") {
  describe("MongoStore keeps the store contract", () => {
    it.skip("needs a MongoDB replica set: set SEALTRAIL_TEST_MONGO_URL=mongodb://… (docs/operations.md § MongoDB)", () => {});
  });
} else {
  // One database for the run, emptied after each test (the substitute has neither dropDatabase nor drop,
  // and copies all it holds for every transaction: a database per test would slow it down test by test).
  const dbName = `sealtrail_contract_${process.pid}`;
  let admin: mongoose.Connection | undefined;
  const adminDb = async () => {
    admin ??= await mongoose.createConnection(url, { serverSelectionTimeoutMS: 5_000 }).asPromise();
    return admin.getClient().db(dbName);
  };
  afterAll(async () => {
    // A real server drops the database; the substitute forgets everything when it stops.
    await (await adminDb()).dropDatabase().catch((error: { codeName?: string }) => {
      if (error.codeName !== "CommandNotFound") throw error;
    });
    await admin?.close();
  });

  describeStoreContract("MongoStore", async () => {
    const store = await MongoStore.open(url, { dbName, serverSelectionTimeoutMs: 5_000 });
    return {
      store,
      dispose: async () => {
        await store.close();
        const db = await adminDb();
        for (const name of COLLECTION_NAMES) await db.collection(name).deleteMany({});
      },
    };
  });
}
