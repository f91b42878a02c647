// The message writer thread of SqliteStore: owns a second connection to the same SQLite file and
// commits each group of messages in one transaction, so the fsync of every group commit
// (synchronous=FULL) waits here instead of blocking the gateway's event loop.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { DUPLICATE, EQUIVOCATION, INSERTED, type WriteGroup, type WriteResult } from "./messageWriterWire.ts";

const db = new Database((workerData as { path: string }).path);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
db.pragma("busy_timeout = 5000");
// Checkpoints are ours, after a group's result is on its way (SqliteStore turns them off on its own
// connection too): an automatic one runs inside the COMMIT, so the readings of that group would wait for
// the copy of the WAL into the database file. And rarer: a reading dirties ~2 pages (the random message id
// and the (device, seq) key land on other index pages each time), so with a checkpoint every 1,000 pages
// (SQLite's default) the same hot pages were copied again and again; every ~8,000 pages measured ~20 %
// less CPU per reading (scratch run: 40.7 -> 31.8 µs per row, 600,000 rows in groups of 100).
db.pragma("wal_autocheckpoint = 0");
const CHECKPOINT_EVERY_ROWS = 4000;
let rowsSinceCheckpoint = 0;
const insert = db.prepare(
  `INSERT INTO messages (id, device, seq, raw, device_ts, received_at, payload)
   VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
);
const exists = db.prepare("SELECT 1 FROM messages WHERE id = ?").pluck();
const idBySeq = db.prepare("SELECT id FROM messages WHERE device = ? AND seq = ?").pluck();

const commit = db.transaction((g: WriteGroup, status: Uint8Array, existing: (Uint8Array | null)[]) => {
  const raws = Buffer.from(g.raws);
  for (let i = 0; i < g.count; i++) {
    const id = Buffer.from(g.ids[i]!.slice(2), "hex");
    const device = g.devices[i]!;
    const seq = g.seqs[i]!;
    const info = insert.run(
      id,
      device,
      seq,
      raws.subarray(g.offsets[i]!, g.offsets[i + 1]!),
      g.deviceTs[i]!,
      g.receivedAt[i]!,
      g.payloads[i]!,
    );
    if (info.changes === 1) status[i] = INSERTED;
    else if (exists.get(id)) status[i] = DUPLICATE;
    else {
      // Unique on neither id nor (device, seq) cannot conflict; a null here is a bug the caller reports.
      const other = idBySeq.get(device, seq) as Buffer | undefined;
      status[i] = EQUIVOCATION;
      existing[i] = other ? new Uint8Array(other) : null;
    }
  }
});

parentPort!.on("message", (g: WriteGroup | { close: true }) => {
  if ("close" in g) {
    db.close();
    parentPort!.postMessage({ closed: true });
    return;
  }
  const status = new Uint8Array(g.count);
  const existing: (Uint8Array | null)[] = new Array(g.count).fill(null);
  let result: WriteResult;
  try {
    // IMMEDIATE, like every writing transaction of SqliteStore: the write lock is taken (waiting under
    // busy_timeout) before the first read, never upgraded from a read snapshot.
    commit.immediate(g, status, existing);
    result = { id: g.id, status, existing };
  } catch (error) {
    const e = error as { message?: string; code?: string };
    result = { id: g.id, error: e.message ?? String(error), ...(e.code ? { code: e.code } : {}) };
  }
  parentPort!.postMessage(result);
  rowsSinceCheckpoint += g.count;
  if (rowsSinceCheckpoint >= CHECKPOINT_EVERY_ROWS) {
    rowsSinceCheckpoint = 0;
    try {
      db.pragma("wal_checkpoint(PASSIVE)");
    } catch {
      // Busy or failed: the next one copies these pages too (and db.close() checkpoints in the end).
    }
  }
});
