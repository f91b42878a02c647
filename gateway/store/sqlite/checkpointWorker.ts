// The checkpoint thread of SqliteStore's message writer: its own connection copies the WAL into the
// database file (a PASSIVE checkpoint) when the writer thread asks, so that no group commit waits for the
// copy. A checkpoint of ~4,000 readings' pages takes 30-70 ms (random index pages, then the fsync of the
// database file); run by the writer thread after its reply, the next group waited for it and it was the
// PUBACK p99 at 6,000 readings/s (docs/benchmarks.md). PASSIVE never takes the write lock: commits
// append to the WAL meanwhile, and the WAL restarts from its beginning at the first commit after a
// checkpoint that copied every frame, which keeps it from growing under sustained load.
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { openConnection } from "./openConnection.ts";

const { path, port } = workerData as { path: string; port: MessagePort };
const db = openConnection(path);
db.pragma("wal_autocheckpoint = 0");

// From the writer thread: a checkpoint, answered when done.
port.on("message", () => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch {
    // Busy or failed: the next one copies these pages too (and the last connection's close checkpoints).
  }
  port.postMessage({ done: true });
});

// From SqliteStore's MessageWriter, after the writer thread has closed.
parentPort!.on("message", () => {
  port.close();
  db.close();
  parentPort!.postMessage({ closed: true });
});
