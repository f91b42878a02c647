import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "@jest/globals";
import Database from "better-sqlite3";
import type { Address } from "#protocol";
import type { RegistryOperation } from "../registryOutboxTypes.ts";
import { SqliteStore } from "./SqliteStore.ts";
import { SCHEMA_VERSION } from "./schema.ts";

const A = `0x${"a1".repeat(20)}` as Address;
const B = `0x${"b2".repeat(20)}` as Address;
const C = `0x${"c3".repeat(20)}` as Address;
const K = `0x${"d4".repeat(20)}` as Address;
const L = `0x${"e5".repeat(20)}` as Address;
const M = `0x${"f6".repeat(20)}` as Address;
const key = (byte: number) => new Uint8Array(33).fill(byte);

const dirs: string[] = [];
function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-outbox-"));
  dirs.push(dir);
  return join(dir, "store.db");
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Every queued operation, in outbox order, as (kind, operation, address, new address, key byte, time). */
function queued(path: string): unknown[] {
  const db = new Database(path, { readonly: true });
  const rows = db
    .prepare(
      "SELECT key_kind, operation, address, new_address, public_key, requested_at, state FROM registry_outbox ORDER BY id",
    )
    .all() as { public_key: Buffer | null }[];
  db.close();
  return rows.map((r) => ({ ...r, public_key: r.public_key === null ? null : r.public_key[0] }));
}

/** Device A registered, rotated to B, B revoked; C registered; organisation acme with K, K rotated to L, M added and revoked. */
async function lifecycle(store: SqliteStore): Promise<void> {
  await store.registerDevice({ address: A, publicKey: key(1), label: "a", registeredAt: 10 });
  await store.rotateDevice({ from: A, to: { address: B, publicKey: key(2), label: "a" }, at: 20 });
  await store.registerDevice({ address: C, publicKey: key(3), label: "c", registeredAt: 25 });
  await store.revokeDevice(B, 30);
  await store.createOrganisation({
    id: "acme",
    name: "ACME",
    glns: [],
    keys: [{ address: K, publicKey: key(4) }],
    createdAt: 40,
  });
  await store.rotateOrganisationKey({
    organisation: "acme",
    from: K,
    to: { address: L, publicKey: key(5) },
    at: 50,
  });
  await store.addOrganisationKey("acme", { address: M, publicKey: key(6) }, 60);
  await store.revokeOrganisationKey("acme", M, 70);
}

const EXPECTED_QUEUE = [
  ["device", "register", A, null, 1, 10],
  ["device", "rotate", A, B, 2, 20],
  ["device", "register", C, null, 3, 25],
  ["device", "revoke", B, null, null, 30],
  ["organisation", "register", K, null, 4, 40],
  ["organisation", "rotate", K, L, 5, 50],
  ["organisation", "register", M, null, 6, 60],
  ["organisation", "revoke", M, null, null, 70],
].map(([key_kind, operation, address, new_address, public_key, requested_at]) => ({
  key_kind,
  operation,
  address,
  new_address,
  public_key,
  requested_at,
  state: "pending",
}));

describe("the registry outbox of the SQLite store", () => {
  it("queues every device and organisation key change, in the order the store made them", async () => {
    const path = tempPath();
    const store = SqliteStore.open(path, { writerThread: false });
    await lifecycle(store);
    await store.close();
    expect(queued(path)).toEqual(EXPECTED_QUEUE);
  });

  it("queues nothing for a change the store refuses or already has (repeated register, revoke, rotate)", async () => {
    const path = tempPath();
    const store = SqliteStore.open(path, { writerThread: false });
    await store.registerDevice({ address: A, publicKey: key(1), label: "a", registeredAt: 10 });
    await store.registerDevice({ address: A, publicKey: key(1), label: "a", registeredAt: 11 });
    await store.revokeDevice(A, 12);
    await store.revokeDevice(A, 13);
    await store.rotateDevice({ from: A, to: { address: B, publicKey: key(2), label: "a" }, at: 14 });
    await store.revokeDevice(C, 15);
    await store.close();
    expect(queued(path).map((r) => (r as { operation: string }).operation)).toEqual(["register", "revoke"]);
  });

  it("hands the registrar the oldest open operation, records its progress and counts the states", async () => {
    const store = SqliteStore.open(tempPath(), { writerThread: false });
    await lifecycle(store);
    const first = (await store.nextRegistryOperation()) as RegistryOperation;
    expect(first).toMatchObject({ id: 1, operation: "register", address: A, keyKind: "device" });
    expect(first.publicKey).toEqual(key(1));
    await store.updateRegistryOperation(first.id, {
      state: "sent",
      txHash: "0xaa",
      attempts: 1,
      updatedAt: 99,
    });
    // A sent operation stays the next one until its receipt is recorded: nothing overtakes it.
    expect((await store.nextRegistryOperation())?.id).toBe(1);
    await store.updateRegistryOperation(first.id, {
      state: "done",
      blockNumber: 7,
      blockTimestamp: 1234,
      updatedAt: 100,
    });
    expect((await store.nextRegistryOperation())?.operation).toBe("rotate");
    expect((await store.registryOperationsOf(B)).map((o) => o.operation)).toEqual(["rotate", "revoke"]);
    expect(await store.registryOutboxSummary()).toEqual({
      pending: 7,
      sent: 0,
      done: 1,
      failed: 0,
      oldestOpenRequestedAt: 20,
    });
    await store.close();
  });

  it("queues the operator's attester key once", async () => {
    const store = SqliteStore.open(tempPath(), { writerThread: false });
    expect(await store.enqueueAttesterKey({ address: A, publicKey: key(1) }, 5)).toBe(true);
    expect(await store.enqueueAttesterKey({ address: A, publicKey: key(1) }, 6)).toBe(false);
    expect(await store.registryOperationsOf(A)).toMatchObject([
      { keyKind: "attester", operation: "register" },
    ]);
    await store.close();
  });

  it(`migrates a schema-4 file to ${SCHEMA_VERSION}: the key changes it holds are queued, in time order`, async () => {
    const path = tempPath();
    const store = SqliteStore.open(path, { writerThread: false });
    await lifecycle(store);
    await store.close();
    // The same file as schema 4 left it: no outbox.
    const v4 = new Database(path);
    v4.exec("DROP TABLE registry_outbox");
    v4.pragma("user_version = 4");
    v4.close();

    await SqliteStore.open(path, { writerThread: false }).close();
    expect(queued(path)).toEqual(EXPECTED_QUEUE);
    // Opening it again queues nothing more: the backfill belongs to the migration.
    await SqliteStore.open(path, { writerThread: false }).close();
    expect(queued(path)).toHaveLength(EXPECTED_QUEUE.length);
  });
});
