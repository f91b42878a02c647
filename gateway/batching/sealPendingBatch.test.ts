import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { MerkleRootBuilder, SqliteStore, sealPendingBatch } from "#gateway";
import {
  deviceIdentityFromPrivateKey,
  GENESIS_PREV,
  type Hex,
  hexToBytes,
  keccak256,
  signReading,
} from "#protocol";

const device = deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode("EXAMPLE key batching")));
let dir: string;
let store: SqliteStore;
let seq = 0;
let prev: Uint8Array = GENESIS_PREV;
const clock = 1_000_000;

async function insert(n: number): Promise<Hex[]> {
  const ids: Hex[] = [];
  for (let i = 0; i < n; i++) {
    seq++;
    const { message, messageId } = signReading(device, { v: 1, seq, ts: clock, prev, m: { temp_c: seq } });
    prev = hexToBytes(messageId, 32);
    await store.insertMessage({
      messageId,
      device: device.address,
      seq,
      raw: message,
      deviceTs: clock,
      receivedAt: clock,
      payloadJson: "{}",
    });
    ids.push(messageId);
  }
  return ids;
}

const ozRoot = (ids: Hex[]) =>
  StandardMerkleTree.of(
    ids.map((id) => [id]),
    ["bytes32"],
  ).root;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "sealtrail-batch-"));
  store = SqliteStore.open(join(dir, "store.db"));
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("sealing batches (real SQLite file)", () => {
  it("seals nothing until a batch is full or old enough", async () => {
    const builder = new MerkleRootBuilder();
    await insert(3);
    expect(
      await sealPendingBatch({ store, builder, maxSize: 5, maxAgeMs: 1000, now: () => clock + 999 }),
    ).toBeUndefined();
    const batch = await sealPendingBatch({
      store,
      builder,
      maxSize: 5,
      maxAgeMs: 1000,
      now: () => clock + 1000,
    });
    expect(batch?.size).toBe(3);
  });

  it("closes a batch on size, leaving the rest for the next one, every message in exactly one batch", async () => {
    const builder = new MerkleRootBuilder();
    const ids = await insert(12);
    const first = await sealPendingBatch({ store, builder, maxSize: 5, maxAgeMs: 1e9, now: () => clock });
    const second = await sealPendingBatch({ store, builder, maxSize: 5, maxAgeMs: 1e9, now: () => clock });
    expect(
      await sealPendingBatch({ store, builder, maxSize: 5, maxAgeMs: 1e9, now: () => clock }),
    ).toBeUndefined();
    expect(await store.batchMessageIds(first!.id)).toEqual(ids.slice(0, 5));
    expect(await store.batchMessageIds(second!.id)).toEqual(ids.slice(5, 10));
    expect(first!.root).toBe(ozRoot(ids.slice(0, 5)));
    expect((await store.getMessage(ids[7]!))?.batchId).toBe(second!.id);
    expect((await store.getMessage(ids[11]!))?.batchId).toBeNull();
    expect((await store.unbatchedSummary(100)).count).toBe(2);
  });

  it("builds the same root on the worker thread as OpenZeppelin's library", async () => {
    const builder = new MerkleRootBuilder({ offThreadFrom: 1 });
    await insert(40);
    const pending = (await store.unbatchedSummary(1000)).count;
    const batch = await sealPendingBatch({ store, builder, maxSize: 1000, maxAgeMs: 0, now: () => clock });
    expect(batch?.size).toBe(pending);
    expect(batch!.root).toBe(ozRoot(await store.batchMessageIds(batch!.id)));
    await builder.close();
  });

  it("refuses to seal a batch that does not match the unbatched messages", async () => {
    await insert(2);
    const summary = await store.unbatchedSummary(10);
    await expect(
      store.sealBatch({ root: `0x${"11".repeat(32)}`, sealedAt: clock, lastN: summary.lastN, size: 3 }),
    ).rejects.toThrow(/does not match/);
  });
});
