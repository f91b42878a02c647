import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import Database from "better-sqlite3";
import { type Address, type AnchorStatus, bytesToHex, type Hex, keccak256 } from "#protocol";
import type { AnchorTarget, ListedMessage, MessageQuery } from "../types.ts";
import { arrivalBounds, messageListingSql } from "./listMessages.ts";
import { SqliteStore } from "./SqliteStore.ts";

const DEVICES = [1, 2, 3].map((i) => `0x${String(i).repeat(40)}` as Address);
const TARGET: AnchorTarget = { chainId: 31337, contract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" };
const OTHER_TARGET: AnchorTarget = { chainId: 10, contract: "0x00000000000000000000000000000000000000aa" };
const idOf = (n: number): Hex => bytesToHex(keccak256(new TextEncoder().encode(`EXAMPLE message ${n}`)));

type Row = { id: Hex; device: Address; seq: number; deviceTs: number; receivedAt: number; arrival: number };

let dir: string;
let store: SqliteStore;
let plans: Database.Database;
const rows: Row[] = [];
/** Batch id → summary status over [TARGET]. */
const batchStatus = new Map<number, AnchorStatus>();
const batchOf = new Map<number, number>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sealtrail-list-"));
  store = SqliteStore.open(join(dir, "store.db"), { writerThread: false });
  // 60 messages from 3 devices, interleaved; receive times mostly rise with arrival but step back twice
  // (a clock correction), device times run backwards for device 3 (a device clock is not trusted).
  const seqs = new Map<Address, number>();
  for (let n = 1; n <= 60; n++) {
    const device = DEVICES[n % 3]!;
    const seq = (seqs.get(device) ?? 0) + 1;
    seqs.set(device, seq);
    const receivedAt = 10_000 + n * 10 - (n > 20 ? 150 : 0) - (n > 40 ? 150 : 0);
    const deviceTs = device === DEVICES[2] ? 5_000 - seq * 7 : 1_000 + seq * 5;
    const row = { id: idOf(n), device, seq, deviceTs, receivedAt, arrival: n };
    rows.push(row);
    const outcome = await store.insertMessage({
      messageId: row.id,
      device,
      seq,
      raw: new TextEncoder().encode(`raw ${n}`),
      deviceTs,
      receivedAt,
      payloadJson: "{}",
    });
    expect(outcome.status).toBe("inserted");
    // Batches of 10 for the first 50 messages; 51..60 stay unbatched (pending).
    if (n % 10 === 0 && n <= 50) {
      const batch = await store.sealBatch({ root: idOf(1000 + n), sealedAt: n, lastN: n, size: 10 });
      for (let k = n - 9; k <= n; k++) batchOf.set(k, batch.id);
      batchStatus.set(batch.id, "sealed");
    }
  }
  // Batch 1 final, 2 included on TARGET (and final on a target the query does not name), 3 submitted,
  // 4 included, 5 sealed (no record).
  const tx = `0x${"ab".repeat(32)}` as Hex;
  const onChain = { txHash: tx, blockNumber: 7, blockTimestamp: 70 };
  await store.putAnchor(TARGET, 1, { status: "final", ...onChain });
  await store.putAnchor(TARGET, 2, { status: "included", ...onChain });
  await store.putAnchor(OTHER_TARGET, 2, { status: "final", ...onChain });
  await store.putAnchor(TARGET, 3, { status: "submitted", txHash: tx });
  await store.putAnchor(TARGET, 4, { status: "included", ...onChain });
  for (const [id, status] of [
    [1, "final"],
    [2, "included"],
    [3, "submitted"],
    [4, "included"],
  ] as const)
    batchStatus.set(id, status);
  plans = new Database(join(dir, "store.db"), { readonly: true });
});

afterAll(async () => {
  plans.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What a query should return, computed the slow way. */
function expected(q: Omit<MessageQuery, "limit" | "after">): Hex[] {
  const status = (r: Row): AnchorStatus => {
    const batch = batchOf.get(r.arrival);
    return batch === undefined ? "pending" : batchStatus.get(batch)!;
  };
  const matching = rows.filter(
    (r) =>
      (q.device === undefined || r.device === q.device) &&
      (q.deviceTsFrom === undefined || r.deviceTs >= q.deviceTsFrom) &&
      (q.deviceTsTo === undefined || r.deviceTs <= q.deviceTsTo) &&
      (q.receivedFrom === undefined || r.receivedAt >= q.receivedFrom) &&
      (q.receivedTo === undefined || r.receivedAt <= q.receivedTo) &&
      (q.batchId === undefined || batchOf.get(r.arrival) === q.batchId) &&
      (q.anchorStatus === undefined || status(r) === q.anchorStatus.status),
  );
  const order = q.device
    ? (a: Row, b: Row) => a.seq - b.seq
    : q.receivedFrom !== undefined || q.receivedTo !== undefined
      ? (a: Row, b: Row) => a.receivedAt - b.receivedAt || a.arrival - b.arrival
      : (a: Row, b: Row) => a.arrival - b.arrival;
  return matching.sort(order).map((r) => r.id);
}

/** Every page of a query, `limit` at a time, each resumed after the last message of the previous one. */
async function allPages(q: Omit<MessageQuery, "limit" | "after">, limit: number): Promise<Hex[]> {
  const ids: Hex[] = [];
  let after: ListedMessage | undefined;
  for (let page = 0; page < 100; page++) {
    const { messages } = await store.listMessages({ ...q, limit, ...(after ? { after } : {}) });
    ids.push(...messages.map((m) => m.messageId));
    if (messages.length < limit) return ids;
    after = messages[messages.length - 1];
  }
  throw new Error("did not end");
}

const statusOn = (status: AnchorStatus) => ({ anchorStatus: { status, targets: [TARGET] } });

const QUERIES: [string, Omit<MessageQuery, "limit" | "after">][] = [
  ["everything", {}],
  ["one device", { device: DEVICES[1]! }],
  ["one device in a device-time window", { device: DEVICES[0]!, deviceTsFrom: 1_020, deviceTsTo: 1_060 }],
  ["a device whose clock runs backwards", { device: DEVICES[2]!, deviceTsTo: 4_950 }],
  ["a receive-time window that a clock correction crosses", { receivedFrom: 10_100, receivedTo: 10_300 }],
  ["receive time from a bound only", { receivedFrom: 10_400 }],
  ["a device-time window across devices", { deviceTsFrom: 1_000, deviceTsTo: 1_050 }],
  ["one batch", { batchId: 3 }],
  ["a batch that does not exist", { batchId: 99 }],
  ["pending", statusOn("pending")],
  ["sealed", statusOn("sealed")],
  ["submitted", statusOn("submitted")],
  ["included (two batches apart)", statusOn("included")],
  ["final", statusOn("final")],
  ["included with a device", { ...statusOn("included"), device: DEVICES[0]! }],
  ["a batch and a receive window", { batchId: 2, receivedFrom: 10_150, receivedTo: 10_180 }],
  ["a batch with a status it does not have", { batchId: 1, ...statusOn("sealed") }],
];

describe("SqliteStore.listMessages", () => {
  it.each(QUERIES)("pages through %s, in order, each message once", async (_what, query) => {
    const want = expected(query);
    for (const limit of [1, 4, 1000]) expect(await allPages(query, limit)).toEqual(want);
  });

  it("counts an anchor only on the targets asked about", async () => {
    const other = await allPages({ anchorStatus: { status: "final", targets: [OTHER_TARGET] } }, 100);
    expect(other).toEqual(rows.filter((r) => batchOf.get(r.arrival) === 2).map((r) => r.id));
    const none = await allPages({ anchorStatus: { status: "sealed", targets: [] } }, 100);
    expect(none).toHaveLength(50);
  });
});

/** The query plan of one page, as SQLite reports it. */
function planOf(query: MessageQuery): string[] {
  const bounds = arrivalBounds(plans, query);
  const { sql, params } = messageListingSql(query, bounds);
  return (plans.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map(
    (r) => r.detail,
  );
}

describe("the query plan of a page (stores hold millions of rows)", () => {
  const after = { seq: 5, receivedAt: 10_100, arrival: 12 };
  it.each([
    [
      "one device, from a cursor",
      { device: DEVICES[0]!, after, receivedFrom: 0, deviceTsFrom: 0 },
      /USING INDEX sqlite_autoindex_messages_2 \(signer=\? AND seq>\?\)/,
    ],
    [
      "a receive window, from a cursor",
      { receivedFrom: 10_000, receivedTo: 20_000, after, batchId: 2 },
      /USING INDEX messages_received_at \(received_at>\? AND received_at<\?\)/,
    ],
    ["everything, from a cursor", { after, deviceTsFrom: 0 }, /USING INTEGER PRIMARY KEY \(rowid>\?\)/],
    ["one batch", { batchId: 2 }, /USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)/],
    [
      "an anchor status",
      { ...statusOn("included"), after },
      /USING INTEGER PRIMARY KEY \(rowid>\? AND rowid<\?\)/,
    ],
  ] as [string, Omit<MessageQuery, "limit">, RegExp][])(
    "%s seeks an index in the listing's order, with no sort",
    (_what, query, seek) => {
      const plan = planOf({ ...query, limit: 100 });
      // One line is the walk over messages; the others are lookups (its batch, the status, the signer's key
      // and address: one row of `signers` by key).
      expect(plan.find((line) => /^(SEARCH|SCAN) m\b/.test(line))).toMatch(
        new RegExp(`^SEARCH m ${seek.source}`),
      );
      expect(plan.join("\n")).not.toMatch(/TEMP B-TREE|SCAN m\b/);
      for (const line of plan.slice(1)) expect(line).not.toMatch(/^SCAN (b|a|messages|batches|anchors)\b/);
    },
  );

  it("walks the primary key in order, stopping at the limit, when nothing narrows the first page", () => {
    const plan = planOf({ limit: 100 });
    expect(plan[0]).toBe("SCAN m");
    expect(plan.join("\n")).not.toMatch(/TEMP B-TREE/);
  });
});
