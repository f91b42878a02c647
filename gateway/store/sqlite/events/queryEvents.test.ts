import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "@jest/globals";
import Database from "better-sqlite3";
import { deviceIdentityFromPrivateKey, keccak256, signAttestedEvent } from "#protocol";
import type { EventQuery, EventRecord } from "../../eventTypes.ts";
import { SqliteStore } from "../SqliteStore.ts";
import { eventQuerySql } from "./queryEvents.ts";

// EXAMPLE key from a public label: never use such keys for real.
const attester = deviceIdentityFromPrivateKey(
  keccak256(new TextEncoder().encode("EXAMPLE key query attester")),
);
const DL = (serial: string) => `https://id.gs1.org/01/04012345111118/21/${serial}`;

function event(serial: string, organisation: string, overrides: Partial<EventRecord> = {}): EventRecord {
  const body = { type: "ObjectEvent", eventTime: "2026-01-05T10:00:00Z", epcList: [DL(serial)], serial };
  const { message, messageId } = signAttestedEvent(attester, organisation, body);
  const hash = `ni:///sha-256;${keccak256(new TextEncoder().encode(serial + organisation)).slice(2)}?ver=CBV2.0`;
  return {
    messageId,
    raw: message,
    signer: attester.address,
    signedBy: "attester",
    organisation,
    eventHash: hash,
    eventId: hash,
    type: "ObjectEvent",
    eventTime: 1_767_607_200_000,
    recordTime: 1_767_607_300_000,
    action: "OBSERVE",
    bizStep: "shipping",
    disposition: null,
    readPoint: null,
    bizLocation: null,
    visibility: "private",
    eventJson: JSON.stringify(body),
    epcs: [{ epc: DL(serial), role: "epc" }],
    ...overrides,
  };
}

const dirs: string[] = [];
function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-query-"));
  dirs.push(dir);
  return join(dir, "store.db");
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const serials = (events: { eventJson: string }[]) =>
  events.map((e) => (JSON.parse(e.eventJson) as { serial: string }).serial);

describe("queryEvents in the SQLite store", () => {
  it("pages in event-time order, ties by arrival, resuming after the last event of a page", async () => {
    const store = SqliteStore.open(tempPath(), { writerThread: false });
    await store.insertEvents(
      [
        event("a", "acme", { eventTime: 30 }),
        event("b", "acme", { eventTime: 10 }),
        event("c", "acme", { eventTime: 20 }),
        event("d", "acme", { eventTime: 20 }),
      ],
      { allOrNothing: true },
    );
    const first = await store.queryEvents({ viewer: { kind: "admin" }, limit: 3 });
    expect([serials(first.events), first.more]).toEqual([["b", "c", "d"], true]);
    const last = first.events[2]!;
    const second = await store.queryEvents({
      viewer: { kind: "admin" },
      limit: 3,
      after: { eventTime: last.eventTime, arrival: last.arrival },
    });
    expect([serials(second.events), second.more]).toEqual([["a"], false]);
    await store.close();
  });

  it("shows an organisation its own events, public ones and others' events about its objects, never another private one", async () => {
    const store = SqliteStore.open(tempPath(), { writerThread: false });
    await store.insertEvents(
      [
        event("mine", "acme"),
        event("theirs", "beta"),
        // beta's event about acme's object: part of that object's history.
        event("shared", "beta", { epcs: [{ epc: DL("mine"), role: "parent" }] }),
        event("public", "beta", { visibility: "public" }),
        // Naming the same product class grants nothing.
        event("class", "beta", { epcs: [{ epc: DL("mine"), role: "class" }] }),
      ],
      { allOrNothing: true },
    );
    const seen = async (viewer: EventQuery["viewer"]) =>
      serials((await store.queryEvents({ viewer, limit: 10 })).events).sort();
    expect(await seen({ kind: "organisation", id: "acme" })).toEqual(["mine", "public", "shared"]);
    // The rule works both ways: beta, having captured an event about acme's object, sees its history too.
    expect(await seen({ kind: "organisation", id: "beta" })).toEqual([
      "class",
      "mine",
      "public",
      "shared",
      "theirs",
    ]);
    expect(await seen({ kind: "organisation", id: "gamma" })).toEqual(["public"]);
    expect(await seen({ kind: "anonymous" })).toEqual(["public"]);
    expect(await seen({ kind: "admin" })).toHaveLength(5);
    await store.close();
  });

  // Plans of the common queries on a real file: each starts from an index, never a scan of events.
  it.each<[string, Omit<EventQuery, "viewer" | "limit">, RegExp]>([
    [
      "by EPC",
      { epcs: [{ roles: ["epc", "child"], epcs: [DL("1")] }] },
      /SEARCH x USING PRIMARY KEY \(epc=\? AND role=\?\)/,
    ],
    [
      "by time window",
      { eventTime: { ge: 1, lt: 2 } },
      /SEARCH e USING INDEX events_event_time \(event_time>\? AND event_time<\?\)/,
    ],
    [
      "by bizStep and time window",
      { bizSteps: ["shipping"], eventTime: { ge: 1, lt: 2 } },
      /SEARCH e USING INDEX events_event_time \(event_time>\? AND event_time<\?\)/,
    ],
    [
      "by read point within a GLN",
      { readPoint: { exact: [], within: ["https://id.gs1.org/414/4012345000009"] } },
      /events_read_point/,
    ],
  ])("uses an index for a query %s", async (_what, conditions, expected) => {
    const path = tempPath();
    await SqliteStore.open(path, { writerThread: false }).close();
    const db = new Database(path, { readonly: true });
    db.function("canonical_id", (x: unknown) => x);
    for (const viewer of [{ kind: "admin" }, { kind: "organisation", id: "acme" }] as const) {
      const { sql, params } = eventQuerySql({ ...conditions, viewer, limit: 10 });
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
        .map((p) => p.detail)
        .join("\n");
      expect(plan).toMatch(expected);
      expect(plan).not.toMatch(/SCAN e\b/);
    }
    db.close();
  });
});
