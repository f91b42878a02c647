import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "@jest/globals";
import Database from "better-sqlite3";
import { deviceIdentityFromPrivateKey, GENESIS_PREV, keccak256, readingToJson, signReading } from "#protocol";
import { SqliteStore } from "../SqliteStore.ts";
import { SCHEMA_VERSION } from "../schema.ts";
import { READINGS_WINDOW_SQL } from "./provenanceQueries.ts";

const key = (label: string) =>
  deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode(`EXAMPLE key provenance store ${label}`)));
const device = key("device");
const other = key("other");

const dirs: string[] = [];
const tempPath = () => {
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-provenance-store-"));
  dirs.push(dir);
  return join(dir, "store.db");
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Readings of `id` at ts = 1000 × seq, with temp_c = seq, hash-chained. */
async function storeReadings(store: SqliteStore, id: typeof device, count: number) {
  let prev: Uint8Array = GENESIS_PREV;
  for (let seq = 1; seq <= count; seq++) {
    const reading = { v: 1 as const, seq, ts: 1_000 * seq, prev, m: { temp_c: seq } };
    const signed = signReading(id, reading);
    prev = keccak256(signed.message);
    await store.insertMessage({
      messageId: signed.messageId,
      device: id.address,
      seq,
      raw: signed.message,
      deviceTs: reading.ts,
      receivedAt: reading.ts,
      payloadJson: JSON.stringify(readingToJson(reading)),
    });
  }
}

describe("provenance queries of the SQLite store (schemas 4 and 5)", () => {
  it("reads a device's readings in a window with the one before and the one after, each with its batch", async () => {
    const path = tempPath();
    const store = SqliteStore.open(path, { writerThread: false });
    await storeReadings(store, device, 10);
    await storeReadings(store, other, 10);
    await store.sealBatch({ root: `0x${"11".repeat(32)}`, sealedAt: 1, lastN: 4, size: 4 });
    const window = await store.readingsAround(device.address, 3_500, 6_000);
    expect(window.before).toMatchObject({ seq: 3, ts: 3_000, tempC: 3, batchId: 1 });
    expect(window.within.map((r) => [r.seq, r.tempC, r.batchId])).toEqual([
      [4, 4, 1],
      [5, 5, null],
      [6, 6, null],
    ]);
    expect(window.after).toMatchObject({ seq: 7, batchId: null });
    // prev is the previous reading's message id: the completeness check can follow the chain.
    expect(window.within[0]!.prev).toBe(window.before!.messageId);
    await store.close();
  });

  it("serves a window of readings from the covering index alone, never reading a row of the table", async () => {
    const path = tempPath();
    await SqliteStore.open(path, { writerThread: false }).close();
    const db = new Database(path, { readonly: true });
    const params = ["0xabc", 1, 2, 10];
    const plan = (
      db.prepare(`EXPLAIN QUERY PLAN ${READINGS_WINDOW_SQL}`).all(...params) as { detail: string }[]
    )
      .map((p) => p.detail)
      .join("\n");
    expect(plan).toMatch(
      /SEARCH messages USING (COVERING )?INDEX messages_device_readings \(signer=\? AND device_ts>\? AND device_ts<\?\)/,
    );
    // And the program: every Column it reads comes from the index's cursor, none from the table's (schema 5's
    // index held expressions, for which EXPLAIN QUERY PLAN does not say COVERING).
    const program = db.prepare(`EXPLAIN ${READINGS_WINDOW_SQL}`).all(...params) as {
      opcode: string;
      p1: number;
      p2: number;
    }[];
    const tableRoot = db.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'messages'").pluck().get();
    const tableCursors = program
      .filter((op) => op.opcode === "OpenRead" && op.p2 === tableRoot)
      .map((op) => op.p1);
    const columnReads = program.filter((op) => op.opcode === "Column");
    expect(columnReads.length).toBe(5); // seq, device_ts, id, link, temp_c (n is the index entry's rowid)
    expect(columnReads.filter((op) => tableCursors.includes(op.p1))).toEqual([]);
    db.close();
  });

  it("migrates a schema-4 file: the (signer, time) index is replaced by the covering one, answers unchanged", async () => {
    const path = tempPath();
    const store = SqliteStore.open(path, { writerThread: false });
    await storeReadings(store, device, 10);
    await storeReadings(store, other, 10);
    await store.sealBatch({ root: `0x${"11".repeat(32)}`, sealedAt: 1, lastN: 4, size: 4 });
    const expected = await store.readingsAround(device.address, 3_500, 6_000);
    await store.close();
    // Back to schema 4's indexes as the build of 2026-12-04 left them: (device, device_ts) and no covering
    // index (on schema 8's columns: migrateSchema8.test.ts migrates a real schema-7 table).
    const db = new Database(path);
    db.exec(
      "DROP INDEX messages_device_readings; CREATE INDEX messages_device_ts ON messages (signer, device_ts);",
    );
    db.pragma("user_version = 4");
    db.close();
    const migrated = SqliteStore.open(path, { writerThread: false });
    expect(await migrated.readingsAround(device.address, 3_500, 6_000)).toEqual(expected);
    await migrated.close();
    const check = new Database(path, { readonly: true });
    expect(check.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(
      check
        .prepare(
          "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'messages' ORDER BY name",
        )
        .pluck()
        .all(),
    ).toEqual(expect.arrayContaining(["messages_device_readings"]));
    expect(
      check.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'messages_device_ts'").pluck().get(),
    ).toBe(0);
    check.close();
  });

  it("migrates a schema-3 file: devices keep their records and can be given a GIAI, once, one device per GIAI", async () => {
    const path = tempPath();
    const store = SqliteStore.open(path, { writerThread: false });
    await store.registerDevice({
      address: device.address,
      publicKey: device.publicKey,
      label: "a",
      registeredAt: 1,
    });
    await store.registerDevice({
      address: other.address,
      publicKey: other.publicKey,
      label: "b",
      registeredAt: 1,
    });
    await store.close();
    // Back to schema 3 as an older build left it: no GIAI table, no index, no profiles.
    const db = new Database(path);
    db.exec("DROP TABLE device_giais; DROP INDEX messages_device_readings; DROP TABLE temperature_profiles;");
    db.pragma("user_version = 3");
    db.close();
    const migrated = SqliteStore.open(path, { writerThread: false });
    expect(await migrated.getDevice(device.address)).toMatchObject({ label: "a", giai: null });
    expect((await migrated.assignDeviceGiai(device.address, "4012345R1")).status).toBe("assigned");
    expect((await migrated.assignDeviceGiai(device.address, "4012345R1")).status).toBe("unchanged");
    expect((await migrated.assignDeviceGiai(device.address, "4012345R2")).status).toBe("conflict");
    expect(await migrated.assignDeviceGiai(other.address, "4012345R1")).toEqual({
      status: "taken",
      holder: device.address,
    });
    expect((await migrated.findDeviceByGiai("4012345R1"))?.address).toBe(device.address);
    expect((await migrated.listDevices()).map((d) => d.giai)).toEqual(
      [device.address, other.address].sort().map((a) => (a === device.address ? "4012345R1" : null)),
    );
    await migrated.close();
  });
});
