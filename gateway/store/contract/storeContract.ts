import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { StoreErrorCode } from "../storeErrors.ts";
import { anchorsContract, batchesContract } from "./batchesContract.ts";
import { dev, type StoreFactory, type StoreUnderTest } from "./context.ts";
import { devicesContract } from "./devicesContract.ts";
import { eventsContract } from "./eventsContract.ts";
import { reading } from "./fixtures.ts";
import { messagesContract } from "./messagesContract.ts";
import { organisationsContract } from "./organisationsContract.ts";
import { provenanceContract } from "./provenanceContract.ts";
import { registryOutboxContract } from "./registryOutboxContract.ts";

export type { StoreFactory } from "./context.ts";

/**
 * The behaviour every Store + EventStore + RegistryOutbox implementation must have, written from the
 * interfaces (../types.ts, ../eventTypes.ts, ../registryOutboxTypes.ts) alone: sqlite/storeContract.test.ts runs it against SQLite always,
 * mongo/storeContract.test.ts against MongoDB when a server is given. A difference between the stores
 * is a failure of one of them here, not a surprise in production. Each test gets a fresh, empty store.
 */
export function describeStoreContract(name: string, open: StoreFactory): void {
  describe(`${name} keeps the store contract`, () => {
    let store: StoreUnderTest;
    let dispose: (() => Promise<void>) | undefined;
    beforeEach(async () => {
      dispose = undefined;
      ({ store, dispose } = await open());
    });
    afterEach(async () => {
      await dispose?.();
    });
    const current = () => store;

    devicesContract(current);
    messagesContract(current);
    batchesContract(current);
    anchorsContract(current);
    organisationsContract(current);
    eventsContract(current);
    provenanceContract(current);
    registryOutboxContract(current);

    it("keeps key/value metadata, the last write winning", async () => {
      expect(await store.getMeta("genesis")).toBeUndefined();
      await store.setMeta("genesis", "0x01");
      await store.setMeta("genesis", "0x02");
      expect(await store.getMeta("genesis")).toBe("0x02");
    });

    it("refuses writes after close with STORE_CLOSED", async () => {
      await store.close();
      await expect(store.insertMessage(reading(dev, 1))).rejects.toMatchObject({
        code: StoreErrorCode.Closed,
      });
    });
  });
}
