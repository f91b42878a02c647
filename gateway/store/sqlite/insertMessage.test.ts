import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "@jest/globals";
import Database from "better-sqlite3";
import { deviceIdentityFromPrivateKey, GENESIS_PREV, hexToBytes, keccak256, signReading } from "#protocol";
import type { MessageRecord } from "../types.ts";
import { SqliteStore } from "./SqliteStore.ts";

const device = deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode("EXAMPLE key insert")));

function record(seq: number, ts = 1_000): MessageRecord {
  const { message, messageId } = signReading(device, {
    v: 1,
    seq,
    ts,
    prev: seq === 1 ? GENESIS_PREV : new Uint8Array(32).fill(seq),
    m: { temp_c: seq },
  });
  return {
    messageId,
    device: device.address,
    seq,
    raw: message,
    deviceTs: ts,
    receivedAt: 2_000,
    payloadJson: "{}",
  };
}

const dirs: string[] = [];
function openStore(options: Parameters<typeof SqliteStore.open>[1] = {}) {
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-insert-"));
  dirs.push(dir);
  const path = join(dir, "store.db");
  return { store: SqliteStore.open(path, options), path };
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe.each([
  ["on the writer thread", { writerThread: true }],
  ["on the calling thread", { writerThread: false }],
])("SqliteStore.insertMessage %s", (_name, options) => {
  it("counts group commits and the messages they held: five concurrent inserts are one commit of five", async () => {
    const { store } = openStore({ ...options, groupCommitMs: 20 });
    expect(store.groupCommitStats()).toEqual({ commits: 0, messages: 0 });
    await Promise.all([1, 2, 3, 4, 5].map((seq) => store.insertMessage(record(seq))));
    expect(store.groupCommitStats()).toEqual({ commits: 1, messages: 5 });
    await store.insertMessage(record(6));
    expect(store.groupCommitStats()).toEqual({ commits: 2, messages: 6 });
    await store.close();
  });

  it("gathers a group for groupCommitMs from its first message, also right after a commit: one fsync for all", async () => {
    const { store } = openStore({ ...options, groupCommitMs: 300 });
    await store.insertMessage(record(1));
    const started = Date.now();
    const pending: Promise<unknown>[] = [];
    for (let seq = 2; seq <= 5; seq++) {
      pending.push(store.insertMessage(record(seq)));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await Promise.all(pending);
    // Committed as soon as the previous commit ended, they would have been up to four commits.
    expect(store.groupCommitStats()).toEqual({ commits: 2, messages: 5 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(295);
    await store.close();
  });

  it("commits a group that holds groupCommitEnough readings without waiting for the rest of its window", async () => {
    const { store } = openStore({ ...options, groupCommitMs: 100_000, groupCommitEnough: 3 });
    const started = Date.now();
    await Promise.all([1, 2, 3].map((seq) => store.insertMessage(record(seq))));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(store.groupCommitStats()).toEqual({ commits: 1, messages: 3 });
    await store.close();
  });

  it("resolves only once the message is committed: another connection reads it at once", async () => {
    const { store, path } = openStore(options);
    const r = record(1);
    expect(await store.insertMessage(r)).toEqual({ status: "inserted" });
    const other = new Database(path, { readonly: true });
    expect(
      other
        .prepare("SELECT count(*) FROM messages WHERE id = ?")
        .pluck()
        .get(Buffer.from(hexToBytes(r.messageId))),
    ).toBe(1);
    other.close();
    await store.close();
  });

  it("tells inserted, duplicate and equivocation apart, also within one group commit", async () => {
    const { store } = openStore(options);
    const first = record(1);
    const other = record(1, 9_999); // same seq, different bytes
    const outcomes = await Promise.all([
      store.insertMessage(first),
      store.insertMessage(first),
      store.insertMessage(other),
      store.insertMessage(record(2)),
    ]);
    expect(outcomes).toEqual([
      { status: "inserted" },
      { status: "duplicate" },
      { status: "equivocation", existingId: first.messageId },
      { status: "inserted" },
    ]);
    expect(await store.countMessages()).toBe(2);
    expect((await store.getMessage(first.messageId))?.raw).toEqual(first.raw);
    await store.close();
  });

  it("commits thousands of concurrent inserts, each stored once, and close() waits for them", async () => {
    const { store } = openStore({ ...options, groupCommitMaxSize: 256 });
    const records = Array.from({ length: 3000 }, (_, i) => record(i + 1));
    const pending = records.map((r) => store.insertMessage(r));
    await store.close();
    const outcomes = await Promise.all(pending);
    expect(outcomes.every((o) => o.status === "inserted")).toBe(true);
    const reopened = SqliteStore.open(join(dirs.at(-1)!, "store.db"), options);
    expect(await reopened.countMessages()).toBe(3000);
    await reopened.close();
  });

  it("close() commits what is waiting for its window, also behind a commit under way", async () => {
    const { store, path } = openStore({ ...options, groupCommitMs: 100_000, groupCommitEnough: 2 });
    const first = [store.insertMessage(record(1)), store.insertMessage(record(2))]; // enough: commits now
    const waiting = store.insertMessage(record(3)); // queued behind it, its window 100 s
    await store.close();
    expect(await Promise.all([...first, waiting])).toEqual([
      { status: "inserted" },
      { status: "inserted" },
      { status: "inserted" },
    ]);
    const reopened = SqliteStore.open(path, options);
    expect(await reopened.countMessages()).toBe(3);
    await reopened.close();
  });

  it("refuses inserts after close", async () => {
    const { store } = openStore(options);
    await store.close();
    await expect(store.insertMessage(record(1))).rejects.toThrow(/closed/);
  });
});

describe("SqliteStore WAL checkpoints", () => {
  it("a checkpoint thread copies the WAL into the database file as readings arrive, not only at close", async () => {
    const { store, path } = openStore({ writerThread: true });
    // The store never re-checks signatures: raw bytes and distinct ids are enough to fill pages.
    const raw = new Uint8Array(200).fill(7);
    const records = Array.from({ length: 9_000 }, (_, i) => ({
      messageId: `0x${Buffer.from(keccak256(new Uint8Array([i >> 8, i & 255]))).toString("hex")}` as const,
      device: device.address,
      seq: i + 1,
      raw,
      deviceTs: 1_000,
      receivedAt: 2_000,
      payloadJson: "{}",
    }));
    const databaseBytes = () => statSync(path).size;
    const before = databaseBytes();
    let after: number;
    try {
      await Promise.all(records.map((r) => store.insertMessage(r)));
      // The checkpoint runs beside the commits, on its own thread: it may still be copying.
      const deadline = Date.now() + 10_000;
      while (databaseBytes() < 2_000_000 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      after = databaseBytes();
    } finally {
      await store.close();
    }
    // 9,000 readings of ~300 bytes are ~2.7 MB of table alone; without a checkpoint all of it is in the WAL.
    expect(before).toBeLessThan(100_000);
    expect(after).toBeGreaterThan(2_000_000);
  });

  it("the WAL restarts under sustained inserts instead of growing with everything written", async () => {
    const { store, path } = openStore({ writerThread: true, checkpointEveryRows: 1_000 });
    const raw = new Uint8Array(200).fill(9);
    const record = (i: number) => ({
      messageId:
        `0x${Buffer.from(keccak256(new Uint8Array([7, i >> 16, (i >> 8) & 255, i & 255]))).toString("hex")}` as const,
      device: device.address,
      seq: i + 1,
      raw,
      deviceTs: 1_000,
      receivedAt: 2_000,
      payloadJson: "{}",
    });
    const walBytes = () => statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0;
    let largestWal = 0;
    try {
      // 40 rounds of 500: commits keep coming while each checkpoint copies, as under load.
      for (let round = 0; round < 40; round++) {
        await Promise.all(
          Array.from({ length: 500 }, (_, i) => store.insertMessage(record(round * 500 + i))),
        );
        largestWal = Math.max(largestWal, walBytes());
      }
    } finally {
      await store.close();
    }
    // 20,000 rows write ~20 MB of WAL frames in all (random ids: a page of the id index per row); a WAL that
    // restarts holds only what was written since the last checkpoint finished.
    expect(largestWal).toBeLessThan(8_000_000);
  });
});
