// The message writer thread of SqliteStore: owns a second connection to the same SQLite file and
// commits each group of messages in one transaction, so the fsync of every group commit
// (synchronous=FULL) waits here instead of blocking the gateway's event loop. The connection is opened and
// the insert prepared by the same code as the store's own (openConnection, prepareMessageInsert).
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import type { WriteGroup, WriteResult, WriterControl, WriterReply } from "./messageWriterWire.ts";
import { openConnection, readConnectionSettings } from "./openConnection.ts";
import { InsertStatus, prepareMessageInsert } from "./prepareMessageInsert.ts";
import { sealBatchRow } from "./sealBatchRow.ts";

const { path, checkpoints, checkpointEveryRows } = workerData as {
  path: string;
  checkpoints: MessagePort;
  checkpointEveryRows: number;
};
const db = openConnection(path);
// Checkpoints are asked of the checkpoint thread (checkpointWorker.ts) every checkpointEveryRows rows
// (SqliteStore turns automatic ones off on its own connection too): an automatic one runs inside the
// COMMIT, so the readings of that group would wait for the copy of the WAL into the database file, and one
// run here after the reply delayed the next group. And rarer (4,000 rows by default): a reading dirties ~2 pages (the random message id
// and the (device, seq) key land on other index pages each time), so with a checkpoint every 1,000 pages
// (SQLite's default) the same hot pages were copied again and again; every ~8,000 pages measured ~20 %
// less CPU per reading (scratch run: 40.7 -> 31.8 µs per row, 600,000 rows in groups of 100).
db.pragma("wal_autocheckpoint = 0");
let rowsSinceCheckpoint = 0;
let checkpointing = false;
checkpoints.on("message", () => {
  checkpointing = false;
  // The checkpoint thread copied the WAL as it was when it began; commits went on meanwhile, so a tail is
  // left and the WAL could never restart: it grew by ~5 KB a reading under sustained load (~1 GB after
  // 200,000, bench/walGrowth.ts). The tail is copied here, between two groups, where no commit appends to
  // it (a few ms: what ~50 ms of commits wrote); the next commit then writes the WAL from its beginning.
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch {
    // Busy or failed: the next round copies it.
  }
});
// After a restart the WAL file is cut back to this size, so a burst does not leave a large file behind.
db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
const messages = prepareMessageInsert(db);

const commit = db.transaction((g: WriteGroup, status: Uint8Array, existing: (Uint8Array | null)[]) => {
  const raws = Buffer.from(g.raws);
  for (let i = 0; i < g.count; i++) {
    const device = g.devices[i]!;
    const seq = g.seqs[i]!;
    const s = messages.insert(
      Buffer.from(g.ids[i]!.slice(2), "hex"),
      device,
      seq,
      raws.subarray(g.offsets[i]!, g.offsets[i + 1]!),
      g.deviceTs[i]!,
      g.receivedAt[i]!,
      g.payloads[i]!,
    );
    status[i] = s;
    if (s === InsertStatus.Equivocation) {
      // Unique on neither id nor (device, seq) cannot conflict; a null here is a bug the caller reports.
      const other = messages.existingId(device, seq);
      existing[i] = other ? new Uint8Array(other) : null;
    }
  }
});

const reply = (m: WriterReply | WriteResult) => parentPort!.postMessage(m);

parentPort!.on("message", (g: WriteGroup | WriterControl) => {
  if ("close" in g) {
    checkpoints.close();
    db.close();
    reply({ closed: true });
    return;
  }
  if ("settings" in g) {
    reply({ settings: readConnectionSettings(db) });
    return;
  }
  if ("seal" in g) {
    try {
      reply({ sealed: sealBatchRow(db, g.seal), id: g.id });
    } catch (error) {
      const e = error as { message?: string; code?: string };
      reply({ sealFailed: e.message ?? String(error), ...(e.code ? { code: e.code } : {}), id: g.id });
    }
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
  reply(result);
  rowsSinceCheckpoint += g.count;
  // One checkpoint at a time; while one runs, rows keep counting and the next is asked when it ends.
  if (rowsSinceCheckpoint >= checkpointEveryRows && !checkpointing) {
    rowsSinceCheckpoint = 0;
    checkpointing = true;
    checkpoints.postMessage({ checkpoint: true });
  }
});
