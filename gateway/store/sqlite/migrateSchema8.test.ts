import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import Database from "better-sqlite3";
import { bytesToHex, keccak256 } from "#protocol";
import {
  FIXTURE_DEVICES,
  fillStore,
  HAND_MADE_DEVICE,
} from "../../../test/fixtures/store-schema7/fillStore.ts";
import { storeAnswers } from "../../../test/fixtures/store-schema7/storeAnswers.ts";
import { SqliteStore } from "./SqliteStore.ts";
import { SCHEMA_VERSION } from "./schema.ts";

const FIXTURE = join(import.meta.dirname, "../../../test/fixtures/store-schema7");
const dir = mkdtempSync(join(tmpdir(), "sealtrail-schema8-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const devices = [...FIXTURE_DEVICES.map((d) => d.address), HAND_MADE_DEVICE];
/** What the schema-7 build answered about its file (generate.ts wrote both). */
const schema7Answers = JSON.parse(readFileSync(join(FIXTURE, "answers.json"), "utf8")) as unknown;

describe("store schema 8 (issue 15: bytes on disk per reading)", () => {
  it("migrates a file the schema-7 build wrote: every message, reading window and event query answers as schema 7 did", async () => {
    const path = join(dir, "migrated.db");
    copyFileSync(join(FIXTURE, "store.db"), path);
    const before = new Database(path, { readonly: true });
    expect(before.pragma("user_version", { simple: true })).toBe(7);
    before.close();
    const store = SqliteStore.open(path, { writerThread: false });
    try {
      expect(await storeAnswers(store, devices)).toEqual(schema7Answers);
    } finally {
      await store.close();
    }
    const db = new Database(path, { readonly: true });
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    // The gateway's readings lost their prefix and their JSON; the hand-made one kept both; events kept raw.
    expect(
      db
        .prepare(
          "SELECT kind, raw_tail, payload IS NOT NULL AS kept, count(*) AS rows FROM messages GROUP BY 1, 2, 3",
        )
        .all(),
    ).toEqual([
      { kind: 0, raw_tail: 0, kept: 1, rows: 1 },
      { kind: 0, raw_tail: 1, kept: 0, rows: 13 },
      { kind: 1, raw_tail: 0, kept: 0, rows: 2 },
    ]);
    db.close();
  });

  it("answers about records written by this build exactly as the schema-7 build answered about the same records", async () => {
    const path = join(dir, "fresh.db");
    const store = SqliteStore.open(path, { writerThread: false });
    try {
      await fillStore(store);
      expect(await storeAnswers(store, devices)).toEqual(schema7Answers);
    } finally {
      await store.close();
    }
  });

  it("rebuilds each reading's raw bytes exactly: keccak256 of what is read is the message id", async () => {
    const path = join(dir, "fresh.db");
    const store = SqliteStore.open(path);
    try {
      const { messages } = await store.listMessages({ limit: 100 });
      expect(messages.length).toBe(14);
      for (const m of messages)
        if (m.device !== HAND_MADE_DEVICE) expect(bytesToHex(keccak256(m.raw))).toBe(m.messageId);
    } finally {
      await store.close();
    }
  });

  it("links a reading to the one before it at insert: 1 when prev is that reading's id, 0 when not, NULL while it is missing", () => {
    const db = new Database(join(dir, "fresh.db"), { readonly: true });
    const links = db
      .prepare(
        "SELECT s.address, m.seq, m.link FROM messages m JOIN signers s ON s.k = m.signer WHERE m.kind = 0 ORDER BY m.n",
      )
      .raw()
      .all();
    db.close();
    const [a, b, c] = FIXTURE_DEVICES.map((d) => d.address);
    expect(links).toEqual([
      ...[1, 2, 3, 4, 5, 6].map((seq) => [a, seq, 1]),
      [b, 1, 1],
      [b, 2, 1],
      [b, 3, 0], // names a wrong prev
      [b, 4, 1],
      [c, 1, 1],
      [c, 3, null], // arrived before seq 2: its prev is read from its row
      [c, 2, 1],
      [HAND_MADE_DEVICE, 1, 1], // its payload JSON names 32 zero bytes, as seq 1 must
    ]);
  });
});
