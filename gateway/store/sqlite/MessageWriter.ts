import { MessageChannel, Worker } from "node:worker_threads";
import { bytesToHex, SealtrailError } from "#protocol";
import type { InsertOutcome, MessageRecord } from "../types.ts";
import type { WriteGroup, WriteResult, WriterReply } from "./messageWriterWire.ts";
import type { ConnectionSettings } from "./openConnection.ts";
import { InsertStatus } from "./prepareMessageInsert.ts";
import type { BatchToSeal, SealOutcome } from "./sealBatchRow.ts";

const INSERTED_OUTCOME: InsertOutcome = Object.freeze({ status: "inserted" });
const DUPLICATE_OUTCOME: InsertOutcome = Object.freeze({ status: "duplicate" });

type InFlight = { resolve: (o: InsertOutcome[]) => void; reject: (e: unknown) => void };
type SealInFlight = { resolve: (o: SealOutcome) => void; reject: (e: unknown) => void };

/**
 * The main-thread side of SqliteStore's message writer thread: sends a group of messages, resolves with
 * one outcome each once their transaction is committed (fsync'd) by the worker's own connection.
 * A worker that dies fails the groups it held (nothing of them is acknowledged) and is replaced on the
 * next write.
 */
export class MessageWriter {
  private readonly path: string;
  private worker: Worker | undefined;
  /** The writer's checkpoint thread (checkpointWorker.ts), started and ended with it. */
  private checkpointer: Worker | undefined;
  private readonly inFlight = new Map<number, InFlight>();
  private readonly sealsInFlight = new Map<number, SealInFlight>();
  private nextId = 1;
  private readonly settingsWaiting: ((s: ConnectionSettings) => void)[] = [];

  private readonly checkpointEveryRows: number;

  constructor(path: string, checkpointEveryRows: number) {
    this.path = path;
    this.checkpointEveryRows = checkpointEveryRows;
  }

  write(messages: readonly MessageRecord[]): Promise<InsertOutcome[]> {
    const worker = this.ensureWorker();
    const count = messages.length;
    const offsets = new Uint32Array(count + 1);
    let bytes = 0;
    for (let i = 0; i < count; i++) {
      offsets[i] = bytes;
      bytes += messages[i]!.raw.length;
    }
    offsets[count] = bytes;
    const raws = new Uint8Array(bytes);
    const group: WriteGroup = {
      id: this.nextId++,
      count,
      ids: new Array(count),
      raws: raws.buffer,
      offsets,
      devices: new Array(count),
      seqs: new Float64Array(count),
      deviceTs: new Float64Array(count),
      receivedAt: new Float64Array(count),
      payloads: new Array(count),
    };
    for (let i = 0; i < count; i++) {
      const m = messages[i]!;
      raws.set(m.raw, offsets[i]!);
      group.ids[i] = m.messageId;
      group.devices[i] = m.device;
      group.seqs[i] = m.seq;
      group.deviceTs[i] = m.deviceTs;
      group.receivedAt[i] = m.receivedAt;
      group.payloads[i] = m.payloadJson;
    }
    return new Promise((resolve, reject) => {
      this.inFlight.set(group.id, { resolve, reject });
      worker.postMessage(group, [raws.buffer, offsets.buffer]);
    });
  }

  /**
   * Seals a batch on the writer thread, between two group commits (sealBatchRow.ts): the write lock and
   * the fsync of the seal stay off the event loop, and never contend with a group commit.
   */
  seal(batch: BatchToSeal): Promise<SealOutcome> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.sealsInFlight.set(id, { resolve, reject });
      worker.postMessage({ seal: batch, id });
    });
  }

  /**
   * The settings of the writer thread's own connection as SQLite reports them (starts the thread if it
   * is not running): the proof that the connection acknowledging readings commits with synchronous=FULL.
   */
  settings(): Promise<ConnectionSettings> {
    const worker = this.ensureWorker();
    return new Promise((resolve) => {
      this.settingsWaiting.push(resolve);
      worker.postMessage({ settings: true });
    });
  }

  /**
   * Closes the writer's connection and ends the thread (after the groups already sent), then the
   * checkpoint thread's.
   */
  async close(): Promise<void> {
    const worker = this.worker;
    const checkpointer = this.checkpointer;
    this.worker = undefined;
    this.checkpointer = undefined;
    if (worker) await closeThread(worker);
    if (checkpointer) await closeThread(checkpointer);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // The writer asks its checkpoints of the checkpoint thread directly, on a channel of their own.
    const { port1, port2 } = new MessageChannel();
    const checkpointer = new Worker(new URL("./checkpointWorker.ts", import.meta.url), {
      workerData: { path: this.path, port: port2 },
      transferList: [port2],
      name: "sealtrail-sqlite-checkpointer",
    });
    const worker = new Worker(new URL("./messageWriterWorker.ts", import.meta.url), {
      workerData: { path: this.path, checkpoints: port1, checkpointEveryRows: this.checkpointEveryRows },
      transferList: [port1],
      name: "sealtrail-sqlite-writer",
    });
    // Never keep a process alive; what is not committed was never acknowledged.
    worker.unref();
    checkpointer.unref();
    // A checkpointer that dies is replaced with the writer (the WAL meanwhile only grows); close() must
    // not wait for one that is gone.
    checkpointer.on("error", () => undefined);
    checkpointer.on("exit", () => {
      if (this.checkpointer === checkpointer) this.checkpointer = undefined;
    });
    worker.on("message", (result: WriteResult | WriterReply) => {
      if ("closed" in result) return;
      if ("settings" in result) {
        this.settingsWaiting.shift()?.(result.settings);
        return;
      }
      if ("sealed" in result || "sealFailed" in result) {
        const sealing = this.sealsInFlight.get(result.id);
        this.sealsInFlight.delete(result.id);
        if ("sealed" in result) sealing?.resolve(result.sealed);
        else {
          sealing?.reject(
            new SealtrailError("STORE_WRITE_FAILED", result.sealFailed, {
              details: { sqliteCode: result.code },
            }),
          );
        }
        return;
      }
      const waiting = this.inFlight.get(result.id);
      if (!waiting) return;
      this.inFlight.delete(result.id);
      if ("error" in result) {
        waiting.reject(
          new SealtrailError("STORE_WRITE_FAILED", result.error, { details: { sqliteCode: result.code } }),
        );
        return;
      }
      const outcomes = new Array<InsertOutcome>(result.status.length);
      for (let i = 0; i < outcomes.length; i++) {
        const s = result.status[i];
        if (s === InsertStatus.Inserted) outcomes[i] = INSERTED_OUTCOME;
        else if (s === InsertStatus.Duplicate) outcomes[i] = DUPLICATE_OUTCOME;
        else {
          const existing = result.existing[i];
          if (!existing) {
            waiting.reject(
              new SealtrailError("INVARIANT", "insert conflicted on neither id nor (device, seq)"),
            );
            return;
          }
          outcomes[i] = { status: "equivocation", existingId: bytesToHex(existing) };
        }
      }
      waiting.resolve(outcomes);
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const w of this.inFlight.values()) w.reject(error);
      this.inFlight.clear();
      for (const w of this.sealsInFlight.values()) w.reject(error);
      this.sealsInFlight.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (this.inFlight.size > 0 || this.sealsInFlight.size > 0)
        fail(new SealtrailError("STORE_WRITE_FAILED", `writer thread exited (${code})`));
      if (this.worker === worker) {
        this.worker = undefined;
        if (this.checkpointer === checkpointer) this.checkpointer = undefined;
        void checkpointer.terminate();
      }
    });
    this.worker = worker;
    this.checkpointer = checkpointer;
    return worker;
  }
}

/**
 * Asks a store thread to close its connection, and waits for it to end; one that has already ended (its
 * threadId is -1 then) or that does not answer within 30 s is ended.
 */
function closeThread(worker: Worker): Promise<void> {
  if (worker.threadId === -1) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => void worker.terminate(), 30_000);
    worker.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    worker.on("message", (m: { closed?: boolean }) => {
      if (m.closed) void worker.terminate();
    });
    worker.postMessage({ close: true });
  });
}
