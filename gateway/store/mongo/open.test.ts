import { describe, expect, it } from "@jest/globals";
import { freePort } from "#test-support";
import { StoreErrorCode } from "../storeErrors.ts";
import { MongoStore } from "./MongoStore.ts";

// Runs without any server: what open() says when there is none to talk to.
describe("MongoStore.open", () => {
  it("When nothing listens at the URL, then it fails with STORE_UNREACHABLE and leaves no connection open", async () => {
    const port = await freePort();
    await expect(
      MongoStore.open(`mongodb://127.0.0.1:${port}/sealtrail?replicaSet=rs0`, {
        serverSelectionTimeoutMs: 300,
      }),
    ).rejects.toMatchObject({ code: StoreErrorCode.Unreachable });
  });
});

const standaloneUrl = process.env.SEALTRAIL_TEST_MONGO_STANDALONE_URL ?? "";
(standaloneUrl === "" ? describe.skip : describe)("MongoStore.open on a standalone server", () => {
  it("refuses it with STORE_NEEDS_REPLICA_SET: without a replica set there are no transactions", async () => {
    await expect(MongoStore.open(standaloneUrl, { serverSelectionTimeoutMs: 5_000 })).rejects.toMatchObject({
      code: StoreErrorCode.NeedsReplicaSet,
    });
  });
});
