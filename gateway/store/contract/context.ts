// What the store contract's sections share: the store under test, its factory, names and helpers.
import { expect } from "@jest/globals";
import type { Address } from "#protocol";
import type { EventStore } from "../eventTypes.ts";
import type { RegistryOutbox } from "../registryOutboxTypes.ts";
import type { AnchorTarget, Store } from "../types.ts";
import { address, reading, root } from "./fixtures.ts";

export type StoreUnderTest = Store & EventStore & RegistryOutbox;

/** A fresh, empty store of the implementation under test, and how to throw it away after the test. */
export type StoreFactory = () => Promise<{ store: StoreUnderTest; dispose: () => Promise<void> }>;

export const dev = address("device 1");
export const dev2 = address("device 2");
export const target: AnchorTarget = { chainId: 31337, contract: address("anchor contract") };
export const other: AnchorTarget = { chainId: 10, contract: address("other contract") };

/** Stores readings from..from+count-1 of a device, one after the other, each newly inserted. */
export async function storeReadings(store: StoreUnderTest, device: Address, count: number, from = 1) {
  const records = [];
  for (let seq = from; seq < from + count; seq++) {
    const r = reading(device, seq);
    expect(await store.insertMessage(r)).toEqual({ status: "inserted" });
    records.push(r);
  }
  return records;
}

/** Seals everything unbatched as one batch. */
export async function sealAll(store: StoreUnderTest, label: string) {
  const pending = await store.unbatchedSummary(1_000_000);
  return store.sealBatch({ root: root(label), sealedAt: 5_000, lastN: pending.lastN, size: pending.count });
}
