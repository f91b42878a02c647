import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "@jest/globals";
import { type Address, bytesToHex, type Hex } from "#protocol";
import type { AnchorTarget, MessageRecord } from "../types.ts";
import { SqliteStore } from "./SqliteStore.ts";

// The store never checks signatures: random ids and bytes are enough to make the writer thread commit.
const DEVICE = "0x00000000000000000000000000000000000000d1" as Address;
const TARGET: AnchorTarget = {
  chainId: 31337,
  contract: "0x00000000000000000000000000000000000000a1" as Address,
};
const GROUP = 2000;

let nextSeq = 1;
function junkMessage(): MessageRecord {
  return {
    messageId: bytesToHex(randomBytes(32)) as Hex,
    device: DEVICE,
    seq: nextSeq++,
    raw: randomBytes(200),
    deviceTs: 1_000,
    receivedAt: 2_000,
    payloadJson: "{}",
  };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("SqliteStore with its writer thread (two connections to one file)", () => {
  // The demo logged "anchoring pass failed; will retry … database is locked": putAnchor and sealBatch ran
  // in a deferred transaction (BEGIN) that reads first and then writes. A connection that already holds a
  // read snapshot gets SQLITE_BUSY at once when it tries to write while the writer thread commits, or has
  // committed since; SQLite never calls the busy handler there (waiting could deadlock), so busy_timeout
  // does not help. BEGIN IMMEDIATE takes the write lock first, waiting for it under busy_timeout.
  it("anchor updates and batch seals made while the writer thread commits groups never fail with SQLITE_BUSY", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sealtrail-contention-"));
    dirs.push(dir);
    const store = SqliteStore.open(join(dir, "store.db"), { groupCommitMaxSize: GROUP });
    try {
      await Promise.all(Array.from({ length: 10 }, () => store.insertMessage(junkMessage())));
      const batch = await store.sealBatch({
        root: bytesToHex(randomBytes(32)) as Hex,
        sealedAt: 3_000,
        lastN: 10,
        size: 10,
      });
      const failures: string[] = [];
      let updates = 0;
      let seals = 0;
      for (let round = 0; round < 6; round++) {
        // A full group goes to the writer thread at once; it commits it (and fsyncs) while this thread
        // keeps updating the anchor record, as the anchorer does during a pass.
        const written = Promise.all(Array.from({ length: GROUP }, () => store.insertMessage(junkMessage())));
        const until = Date.now() + 150;
        while (Date.now() < until) {
          try {
            await store.putAnchor(TARGET, batch.id, { status: "submitted", attempts: updates++ });
            // What the writer has committed so far gets sealed, as the batcher does meanwhile.
            const summary = await store.unbatchedSummary(GROUP * 10);
            if (summary.count > 0) {
              await store.sealBatch({
                root: bytesToHex(randomBytes(32)) as Hex,
                sealedAt: 4_000,
                lastN: summary.lastN,
                size: summary.count,
              });
              seals++;
            }
          } catch (error) {
            failures.push(String((error as Error).message));
          }
        }
        await written;
      }
      expect({ failed: failures.length, reasons: [...new Set(failures)] }).toEqual({
        failed: 0,
        reasons: [],
      });
      expect(updates).toBeGreaterThan(0);
      expect(seals).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});
