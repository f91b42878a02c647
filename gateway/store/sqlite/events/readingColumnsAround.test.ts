import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "@jest/globals";
import Database from "better-sqlite3";
import {
  type DeviceIdentity,
  deviceIdentityFromPrivateKey,
  GENESIS_PREV,
  keccak256,
  readingToJson,
  signReading,
} from "#protocol";
import type { DeviceReadingWindow, ReadingColumns, WindowReading } from "../../eventTypes.ts";
import { SqliteStore } from "../SqliteStore.ts";
import { readingHexSql, readingNumbersSql } from "./readingColumnsAround.ts";

const key = (label: string) =>
  deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode(`EXAMPLE key reading columns ${label}`)));
const device = key("device");
const other = key("other");

const dirs: string[] = [];
const tempPath = () => {
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-reading-columns-"));
  dirs.push(dir);
  return join(dir, "store.db");
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Stores readings of `id` (seq 1…) at the given timestamps, hash-chained, temp_c = seq except where
 * `noTemp` says (a reading without a temperature), interleaved with nothing: callers interleave devices.
 */
async function storeReadings(store: SqliteStore, id: DeviceIdentity, times: number[], noTemp: number[] = []) {
  let prev: Uint8Array = GENESIS_PREV;
  for (const [i, ts] of times.entries()) {
    const seq = i + 1;
    const m: Record<string, number> = noTemp.includes(seq) ? { rh_pct: 50 } : { temp_c: seq + 0.25 };
    const reading = { v: 1 as const, seq, ts, prev, m };
    const signed = signReading(id, reading);
    prev = keccak256(signed.message);
    await store.insertMessage({
      messageId: signed.messageId,
      device: id.address,
      seq,
      raw: signed.message,
      deviceTs: ts,
      receivedAt: ts,
      payloadJson: JSON.stringify(readingToJson(reading)),
    });
  }
}

/** The columns as the objects readingsAround gives, to compare the two reads field by field. */
const asObjects = (c: ReadingColumns): WindowReading[] =>
  Array.from({ length: c.count }, (_, i) => ({
    seq: c.seq[i]!,
    ts: c.ts[i]!,
    messageId: `0x${c.idsHex.slice(64 * i, 64 * i + 64)}`,
    prev: `0x${c.prevsHex.slice(64 * i, 64 * i + 64)}`,
    tempC: c.tempC[i]!,
    batchId: c.batchId[i]!,
  }));
const objectsOf = (w: DeviceReadingWindow) => ({
  before: w.before ? [w.before] : [],
  within: w.within,
  after: w.after ? [w.after] : [],
  truncated: w.truncated,
});

describe("a device's reading window as columns (readingColumnsAround)", () => {
  it("gives the same readings as readingsAround — ids, prevs, temperatures, batches, edges — for windows of every shape", async () => {
    const store = SqliteStore.open(tempPath(), { writerThread: false });
    await storeReadings(
      store,
      device,
      Array.from({ length: 12 }, (_, i) => 1_000 * (i + 1)),
      [5],
    );
    await storeReadings(
      store,
      other,
      Array.from({ length: 12 }, (_, i) => 1_000 * (i + 1)),
    );
    await store.sealBatch({ root: `0x${"11".repeat(32)}`, sealedAt: 1, lastN: 4, size: 4 });
    await store.sealBatch({ root: `0x${"22".repeat(32)}`, sealedAt: 2, lastN: 9, size: 5 });
    const windows: [number, number][] = [
      [3_500, 6_000], // edges on both sides, a reading without temperature inside
      [0, 20_000], // everything: no reading before or after
      [5_000, 5_000], // exactly one reading
      [5_100, 5_900], // none inside, one on each side
      [20_000, 30_000], // after the last: only a reading before
    ];
    for (const [from, to] of windows) {
      const columns = await store.readingColumnsAround(device.address, from, to);
      const objects = objectsOf(await store.readingsAround(device.address, from, to));
      expect({
        before: asObjects(columns.before),
        within: asObjects(columns.within),
        after: asObjects(columns.after),
        truncated: columns.truncated,
      }).toEqual(objects);
    }
    const mid = await store.readingColumnsAround(device.address, 3_500, 6_000);
    expect(mid.within.tempC).toEqual([4.25, null, 6.25]);
    expect(mid.within.batchId).toEqual([1, 2, 2]);
    // Each prev is the id of the reading before it: the hash chain can be followed in the strings alone.
    expect(mid.within.prevsHex.slice(0, 64)).toBe(mid.before.idsHex);
    await store.close();
  });

  it("marks a reading whose payload carries no prev, or a malformed one, so that it links to nothing", async () => {
    const path = tempPath();
    const store = SqliteStore.open(path, { writerThread: false });
    await storeReadings(store, device, [1_000]);
    // Payloads as no verified reading has them, with bytes that are no COSE_Sign1: records made by hand,
    // which the gateway never stores (schema 8 keeps their JSON). One without prev; one with the right
    // digits behind a wrong prefix.
    const first = (await store.listMessages({ device: device.address, limit: 1 })).messages[0]!;
    const handMade = (seq: number, prev: string | undefined) =>
      store.insertMessage({
        messageId: `0x${String(seq).repeat(64).slice(0, 64)}`,
        device: device.address,
        seq,
        raw: Uint8Array.of(seq),
        deviceTs: seq * 1_000,
        receivedAt: seq * 1_000,
        payloadJson: JSON.stringify({
          v: 1,
          seq,
          ts: seq * 1_000,
          ...(prev ? { prev } : {}),
          m: { temp_c: 4 },
        }),
      });
    await handMade(2, undefined);
    await handMade(3, `zz${first.messageId.slice(2)}`);
    await store.close();
    const reopened = SqliteStore.open(path, { writerThread: false });
    const { within } = await reopened.readingColumnsAround(device.address, 0, 5_000);
    expect(within.count).toBe(3);
    expect(within.prevsHex.slice(64)).toBe("-".repeat(128));
    expect(within.prevsHex.slice(0, 64)).toBe("00".repeat(32));
    expect(within.idsHex).toMatch(/^[0-9a-f]{192}$/);
    await reopened.close();
  });

  it("reads the covering index alone, in its own order: no row of the table, no sort", async () => {
    const path = tempPath();
    await SqliteStore.open(path, { writerThread: false }).close();
    const db = new Database(path, { readonly: true });
    const tableRoot = db.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'messages'").pluck().get();
    for (const range of ["before", "within", "after"] as const) {
      for (const sql of [readingNumbersSql(range), readingHexSql(range)]) {
        const params = range === "within" ? ["0xabc", 1, 2, 10] : ["0xabc", 1, 10];
        const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
          .map((p) => p.detail)
          .join("\n");
        expect(plan).toMatch(
          /SEARCH messages USING (COVERING )?INDEX messages_device_readings \(signer=\? AND device_ts[<>]/,
        );
        expect(plan).not.toMatch(/TEMP B-TREE/);
        // The hex statement: its subquery a co-routine read in order by the aggregate (readingHexSql).
        if (sql.includes("group_concat"))
          expect(plan).toMatch(/^CO-ROUTINE \(subquery-(\d)\)[\s\S]*SCAN \(subquery-\1\)$/);
        const program = db.prepare(`EXPLAIN ${sql}`).all(...params) as {
          opcode: string;
          p1: number;
          p2: number;
        }[];
        const tableCursors = program
          .filter((op) => op.opcode === "OpenRead" && op.p2 === tableRoot)
          .map((op) => op.p1);
        expect(program.filter((op) => op.opcode === "Column" && tableCursors.includes(op.p1))).toEqual([]);
      }
    }
    db.close();
  });
});
