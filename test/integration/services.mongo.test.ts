// `sealtrail api` on MongoDB: the service the compose file runs, started as the CLI starts it (config from
// the environment, SEALTRAIL_STORE=mongodb), registers a device through its HTTP API, reads it back, is
// ready, and the registration's registry operation sits in the MongoDB outbox beside the device. Needs a
// replica set at SEALTRAIL_TEST_MONGO_URL: `npm run test:mongo` provides one (scripts/testMongoSubstitute.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import pino from "pino";
import { loadConfig } from "#config";
import { bytesToHex } from "#protocol";
import { exampleDevice } from "../../api/testing/index.ts";
import type { RunningService } from "../../cli/services/runningService.ts";
import { startApiService } from "../../cli/services/startApiService.ts";
import { MongoStore } from "../../gateway/store/mongo/MongoStore.ts";

const url = process.env.SEALTRAIL_TEST_MONGO_URL ?? "";

/** The test URL with its own database in the path (the server's options, such as replicaSet, kept). */
function withDatabase(base: string, db: string): string {
  const [address, query] = base.split("?", 2) as [string, string | undefined];
  const hosts = address.replace(/^(mongodb(\+srv)?:\/\/[^/]+).*$/, "$1");
  return `${hosts}/${db}${query === undefined ? "" : `?${query}`}`;
}

if (url === "") {
  describe("sealtrail api on MongoDB", () => {
    it.skip("needs a MongoDB replica set: set SEALTRAIL_TEST_MONGO_URL=mongodb://… or run `npm run test:mongo` (docs/operations.md § MongoDB)", () => {});
  });
} else {
  describe("sealtrail api on MongoDB", () => {
    const dbName = `sealtrail_api_service_${process.pid}`;
    const mongoUrl = withDatabase(url, dbName);
    const dataDir = mkdtempSync(join(tmpdir(), "sealtrail-api-mongo-"));
    const adminToken = "EXAMPLE-admin-token-for-tests-only";
    let service: RunningService | undefined;

    beforeAll(async () => {
      const { config } = loadConfig({
        env: {
          SEALTRAIL_STORE: "mongodb",
          SEALTRAIL_MONGO_URL: mongoUrl,
          SEALTRAIL_DATA_DIR: dataDir,
          SEALTRAIL_HTTP_HOST: "127.0.0.1",
          SEALTRAIL_HTTP_PORT: "0",
          SEALTRAIL_ADMIN_TOKEN: adminToken,
        },
      });
      service = await startApiService(config, pino({ level: "silent" }));
    });

    afterAll(async () => {
      expect(await service?.stop()).toBe(true);
      rmSync(dataDir, { recursive: true, force: true });
      // A real server drops the database; the substitute forgets everything when it stops.
      const store = await MongoStore.open(mongoUrl, { serverSelectionTimeoutMs: 5_000 });
      await store.db.dropDatabase().catch((error: { codeName?: string }) => {
        if (error.codeName !== "CommandNotFound") throw error;
      });
      await store.close();
    });

    it("registers a device through the API, reads it back, answers /readyz 200, and queues the key for the registry", async () => {
      const base = service!.urls.http!;
      const device = exampleDevice("api on mongodb");
      const registered = await fetch(`${base}/api/v1/devices`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ publicKey: bytesToHex(device.publicKey), label: "mongo service test" }),
      });
      expect(registered.status).toBe(201);

      const read = await fetch(`${base}/api/v1/devices/${device.address}`);
      expect(read.status).toBe(200);
      expect(await read.json()).toMatchObject({
        address: device.address,
        publicKey: bytesToHex(device.publicKey),
        label: "mongo service test",
        status: "active",
      });

      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);

      // The same database, opened apart from the service: the device is there, with its registry operation.
      const store = await MongoStore.open(mongoUrl, { serverSelectionTimeoutMs: 5_000 });
      try {
        expect((await store.getDevice(device.address))?.label).toBe("mongo service test");
        expect(await store.registryOperationsOf(device.address)).toMatchObject([
          { keyKind: "device", operation: "register", state: "pending" },
        ]);
      } finally {
        await store.close();
      }
    });
  });
}
