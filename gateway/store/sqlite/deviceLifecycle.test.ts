import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "@jest/globals";
import Database from "better-sqlite3";
import type { Address } from "#protocol";
import { SqliteStore } from "./SqliteStore.ts";
import { SCHEMA_VERSION } from "./schema.ts";

const A = `0x${"a1".repeat(20)}` as Address;
const B = `0x${"b2".repeat(20)}` as Address;
const C = `0x${"c3".repeat(20)}` as Address;
const key = (byte: number) => new Uint8Array(33).fill(byte);

const dirs: string[] = [];
function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-lifecycle-"));
  dirs.push(dir);
  return join(dir, "store.db");
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("device rotation in the SQLite store", () => {
  it("registers the new key naming the old one and revokes the old one at the same instant", async () => {
    const store = SqliteStore.open(tempPath(), { writerThread: false });
    await store.registerDevice({ address: A, publicKey: key(1), label: "probe", registeredAt: 10 });
    const outcome = await store.rotateDevice({
      from: A,
      to: { address: B, publicKey: key(2), label: "probe" },
      at: 20,
    });
    expect(outcome).toMatchObject({
      status: "rotated",
      from: { address: A, revokedAt: 20, rotatedTo: B, rotatedFrom: null },
      to: { address: B, registeredAt: 20, revokedAt: null, rotatedFrom: A, rotatedTo: null },
    });
    expect(await store.getDevice(A)).toMatchObject({ revokedAt: 20, rotatedTo: B });
    await store.close();
  });

  it("carries the device's GIAI over to the new key, so the GIAI finds the key that signs now", async () => {
    const store = SqliteStore.open(tempPath(), { writerThread: false });
    await store.registerDevice({ address: A, publicKey: key(1), label: "reefer", registeredAt: 10 });
    expect((await store.assignDeviceGiai(A, "4012345reefer7")).status).toBe("assigned");
    const outcome = await store.rotateDevice({
      from: A,
      to: { address: B, publicKey: key(2), label: "reefer" },
      at: 20,
    });
    expect(outcome).toMatchObject({ status: "rotated", to: { address: B, giai: "4012345reefer7" } });
    expect(await store.findDeviceByGiai("4012345reefer7")).toMatchObject({ address: B, rotatedFrom: A });
    // The GIAI still names one device: the old key no longer holds it, and it cannot be given again.
    expect(await store.getDevice(A)).toMatchObject({ giai: null, rotatedTo: B });
    await store.close();
  });

  it("refuses as the contract does, in its order, and changes nothing when it refuses", async () => {
    const store = SqliteStore.open(tempPath(), { writerThread: false });
    await store.registerDevice({ address: A, publicKey: key(1), label: "a", registeredAt: 10 });
    await store.registerDevice({ address: C, publicKey: key(3), label: "c", registeredAt: 10 });
    const to = (address: Address) => ({ address, publicKey: key(9), label: "x" });
    // To itself: "already registered" (the contract registers the new key first).
    expect((await store.rotateDevice({ from: A, to: to(A), at: 20 })).status).toBe("already-registered");
    expect((await store.rotateDevice({ from: A, to: to(C), at: 20 })).status).toBe("already-registered");
    expect(
      (await store.rotateDevice({ from: B, to: to(`0x${"d4".repeat(20)}` as Address), at: 20 })).status,
    ).toBe("unknown");
    await store.revokeDevice(A, 15);
    expect((await store.rotateDevice({ from: A, to: to(B), at: 20 })).status).toBe("revoked");
    expect(await store.getDevice(B)).toBeUndefined();
    expect(await store.getDevice(A)).toMatchObject({ revokedAt: 15, rotatedTo: null });
    await store.close();
  });
});

describe("store schema 2", () => {
  it("migrates a schema-1 file: its devices keep their lifecycle and gain rotation fields", async () => {
    const path = tempPath();
    // The devices table as schema 1 created it, with one revoked device.
    const v1 = new Database(path);
    v1.exec(`CREATE TABLE devices (address TEXT PRIMARY KEY, public_key BLOB NOT NULL, label TEXT NOT NULL,
      registered_at INTEGER NOT NULL, revoked_at INTEGER, flagged_at INTEGER) STRICT;`);
    v1.prepare("INSERT INTO devices VALUES (?, ?, 'old', 10, 12, NULL)").run(A, Buffer.from(key(1)));
    v1.pragma("user_version = 1");
    v1.close();

    const store = SqliteStore.open(path, { writerThread: false });
    expect(await store.getDevice(A)).toMatchObject({ revokedAt: 12, rotatedFrom: null, rotatedTo: null });
    await store.close();
    const after = new Database(path, { readonly: true });
    expect(after.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    const indexes = after.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").pluck().all();
    expect(indexes).toContain("messages_received_at");
    after.close();
  });
});
