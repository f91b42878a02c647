import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "@jest/globals";
import Database from "better-sqlite3";
import {
  type Address,
  deviceIdentityFromPrivateKey,
  GENESIS_PREV,
  keccak256,
  signAttestedEvent,
  signReading,
} from "#protocol";
import type { EventRecord } from "../../eventTypes.ts";
import type { MessageRecord } from "../../types.ts";
import { SqliteStore } from "../SqliteStore.ts";
import { SCHEMA_VERSION } from "../schema.ts";

const key = (label: string) =>
  deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode(`EXAMPLE key store ${label}`)));
const device = key("device");
const attester = key("attester");
const orgKey = key("org");
const orgKey2 = key("org 2");

function reading(seq: number): MessageRecord {
  const { message, messageId } = signReading(device, {
    v: 1,
    seq,
    ts: 1_000 + seq,
    prev: seq === 1 ? GENESIS_PREV : new Uint8Array(32).fill(seq),
    m: { temp_c: seq },
  });
  return {
    messageId,
    device: device.address,
    seq,
    raw: message,
    deviceTs: 1_000 + seq,
    receivedAt: 2_000,
    payloadJson: "{}",
  };
}

function event(serial: string, overrides: Partial<EventRecord> = {}): EventRecord {
  const body = {
    type: "ObjectEvent",
    eventTime: "2026-01-05T10:00:00.000Z",
    eventTimeZoneOffset: "+00:00",
    epcList: [`urn:epc:id:sgtin:4012345.011111.${serial}`],
    action: "OBSERVE",
  };
  const { message, messageId } = signAttestedEvent(attester, "acme", body);
  return {
    messageId,
    raw: message,
    signer: attester.address,
    signedBy: "attester",
    organisation: "acme",
    eventHash: `ni:///sha-256;${serial.padStart(64, "0")}?ver=CBV2.0`,
    eventId: `ni:///sha-256;${serial.padStart(64, "0")}?ver=CBV2.0`,
    type: "ObjectEvent",
    eventTime: 1_767_607_200_000,
    recordTime: 1_767_607_300_000,
    action: "OBSERVE",
    bizStep: null,
    disposition: null,
    readPoint: null,
    bizLocation: null,
    visibility: "private",
    eventJson: JSON.stringify(body),
    epcs: [{ epc: `https://id.gs1.org/01/04012345111118/21/${serial}`, role: "epc" }],
    ...overrides,
  };
}

const dirs: string[] = [];
function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-events-"));
  dirs.push(dir);
  return join(dir, "store.db");
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("events in the SQLite store (schema 3)", () => {
  it("stores events in the messages table beside readings, so they are batched together", async () => {
    const store = SqliteStore.open(tempPath(), { writerThread: false });
    expect(await store.insertMessage(reading(1))).toEqual({ status: "inserted" });
    const e = event("1");
    expect(await store.insertEvents([e], { allOrNothing: true })).toEqual([{ status: "inserted" }]);
    expect(await store.insertMessage(reading(2))).toEqual({ status: "inserted" });
    const pending = await store.unbatchedSummary(100);
    expect(pending.count).toBe(3);
    const batch = await store.sealBatch({
      root: `0x${"ab".repeat(32)}`,
      sealedAt: 5,
      lastN: pending.lastN,
      size: 3,
    });
    expect(await store.batchMessageIds(batch.id)).toContain(e.messageId);
    // An event is not a reading: reading lookups and listings never show it.
    expect(await store.getMessage(e.messageId)).toBeUndefined();
    expect((await store.listMessages({ limit: 10 })).messages.map((m) => m.seq)).toEqual([1, 2]);
    const found = await store.findEvent({ messageId: e.messageId });
    expect(found).toMatchObject({
      eventHash: e.eventHash,
      batchId: batch.id,
      signedBy: "attester",
      organisation: "acme",
    });
    expect(found?.raw).toEqual(e.raw);
    expect(await store.findEvent({ eventId: e.eventId })).toMatchObject({ messageId: e.messageId });
    await store.close();
  });

  it("lets many events of one signer through (device, seq) uniqueness while a reading's seq stays unique", async () => {
    const store = SqliteStore.open(tempPath(), { writerThread: false });
    const outcomes = await store.insertEvents([event("1"), event("2"), event("3")], { allOrNothing: true });
    expect(outcomes.every((o) => o.status === "inserted")).toBe(true);
    await store.insertMessage(reading(1));
    const twin = { ...reading(1), messageId: `0x${"11".repeat(32)}` as const, raw: new Uint8Array(8) };
    expect((await store.insertMessage(twin)).status).toBe("equivocation");
    await store.close();
  });

  it("refuses an event hash ID stored already; all-or-nothing rolls the whole group back, proceed skips it", async () => {
    const path = tempPath();
    const store = SqliteStore.open(path, { writerThread: false });
    await store.insertEvents([event("1")], { allOrNothing: true });
    const again = event("1", { messageId: `0x${"22".repeat(32)}`, raw: new Uint8Array(4) });
    expect(await store.insertEvents([event("2"), again], { allOrNothing: true })).toEqual([
      { status: "not-stored" },
      { status: "duplicate-event", existingMessageId: event("1").messageId },
    ]);
    expect(await store.findEvent({ eventHash: event("2").eventHash })).toBeUndefined();
    expect(await store.countMessages()).toBe(1);
    expect(
      (await store.insertEvents([event("2"), again, event("1")], { allOrNothing: false })).map(
        (o) => o.status,
      ),
    ).toEqual(["inserted", "duplicate-event", "duplicate-message"]);
    await store.close();
    // Durable: another connection on the file sees the events and their identifiers.
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT count(*) FROM events").pluck().get()).toBe(2);
    expect(db.prepare("SELECT kind, seq FROM messages").all()).toEqual([
      { kind: 1, seq: null },
      { kind: 1, seq: null },
    ]);
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT e.n FROM event_epcs x JOIN events e ON e.n = x.n WHERE x.epc = ? ORDER BY e.event_time",
      )
      .all("x") as { detail: string }[];
    expect(plan.map((p) => p.detail).join("\n")).toMatch(/SEARCH x USING PRIMARY KEY \(epc=\?\)/);
    db.close();
  });

  it("migrates a schema-2 file: its readings stay readings, in the same arrival order and batches", async () => {
    const path = tempPath();
    const v2 = new Database(path);
    v2.exec(`CREATE TABLE messages (n INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE, device TEXT NOT NULL,
      seq INTEGER NOT NULL, raw BLOB NOT NULL, device_ts INTEGER NOT NULL, received_at INTEGER NOT NULL,
      payload TEXT NOT NULL, UNIQUE (device, seq)) STRICT;
      CREATE INDEX messages_received_at ON messages (received_at);`);
    const r = reading(1);
    v2.prepare("INSERT INTO messages VALUES (7, ?, ?, 1, ?, 1001, 2000, '{}')").run(
      Buffer.from(keccak256(r.raw)),
      r.device,
      Buffer.from(r.raw),
    );
    v2.pragma("user_version = 2");
    v2.close();
    const store = SqliteStore.open(path, { writerThread: false });
    expect(await store.getMessage(r.messageId)).toMatchObject({ seq: 1, device: device.address });
    expect((await store.insertEvents([event("9")], { allOrNothing: true }))[0]?.status).toBe("inserted");
    await store.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT n, kind FROM messages ORDER BY n").all()).toEqual([
      { n: 7, kind: 0 },
      { n: 8, kind: 1 },
    ]);
    db.close();
  });
});

describe("organisations in the SQLite store", () => {
  it("creates one with GLNs and keys; a GLN or a key belongs to one organisation only", async () => {
    const store = SqliteStore.open(tempPath(), { writerThread: false });
    const created = await store.createOrganisation({
      id: "acme",
      name: "ACME Foods",
      glns: ["4012345000009"],
      keys: [{ address: orgKey.address, publicKey: orgKey.publicKey }],
      createdAt: 10,
    });
    expect(created).toMatchObject({
      status: "created",
      organisation: { id: "acme", glns: ["4012345000009"] },
    });
    const other = (glns: string[], keys: { address: Address; publicKey: Uint8Array }[]) =>
      store.createOrganisation({ id: "beta", name: "Beta", glns, keys, createdAt: 11 });
    expect(await other(["4012345000009"], [])).toEqual({
      status: "gln-taken",
      gln: "4012345000009",
      organisation: "acme",
    });
    expect(await other([], [{ address: orgKey.address, publicKey: orgKey.publicKey }])).toEqual({
      status: "key-taken",
      address: orgKey.address,
    });
    expect(await store.getOrganisation("beta")).toBeUndefined();
    expect(
      (await store.createOrganisation({ id: "acme", name: "x", glns: [], keys: [], createdAt: 1 })).status,
    ).toBe("id-taken");
    await store.close();
  });

  it("adds, rotates and revokes keys with the device lifecycle fields", async () => {
    const store = SqliteStore.open(tempPath(), { writerThread: false });
    await store.createOrganisation({ id: "acme", name: "ACME", glns: [], keys: [], createdAt: 1 });
    expect(
      (await store.addOrganisationKey("nobody", { address: orgKey.address, publicKey: orgKey.publicKey }, 2))
        .status,
    ).toBe("unknown-organisation");
    expect(
      (await store.addOrganisationKey("acme", { address: orgKey.address, publicKey: orgKey.publicKey }, 2))
        .status,
    ).toBe("added");
    const rotated = await store.rotateOrganisationKey({
      organisation: "acme",
      from: orgKey.address,
      to: { address: orgKey2.address, publicKey: orgKey2.publicKey },
      at: 3,
    });
    expect(rotated).toMatchObject({
      status: "rotated",
      from: { revokedAt: 3, rotatedTo: orgKey2.address },
      to: { registeredAt: 3, rotatedFrom: orgKey.address, revokedAt: null },
    });
    expect((await store.revokeOrganisationKey("acme", orgKey.address, 4)).status).toBe("already-revoked");
    expect((await store.revokeOrganisationKey("other", orgKey2.address, 4)).status).toBe("unknown");
    expect(await store.revokeOrganisationKey("acme", orgKey2.address, 5)).toMatchObject({
      status: "revoked",
      key: { revokedAt: 5 },
    });
    await store.close();
  });

  it("finds a credential by the SHA-256 of its token only", async () => {
    const store = SqliteStore.open(tempPath(), { writerThread: false });
    await store.createOrganisation({ id: "acme", name: "ACME", glns: [], keys: [], createdAt: 1 });
    const digest = keccak256(new TextEncoder().encode("token digest stand-in"));
    await store.createCredential({
      id: "c1",
      organisation: "acme",
      label: "erp",
      createdAt: 2,
      revokedAt: null,
      tokenSha256: digest,
    });
    expect(await store.findCredential(digest)).toMatchObject({ id: "c1", organisation: "acme" });
    expect(await store.findCredential(new Uint8Array(32))).toBeUndefined();
    await store.close();
  });
});
