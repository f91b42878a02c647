import { Worker } from "node:worker_threads";
import { type Hex, MessageMerkleTree, splitMessageIds } from "#protocol";

/** Builds batch roots: small batches inline, large ones on a worker thread so ingest never stalls. */
export class MerkleRootBuilder {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (root: Hex) => void; reject: (e: Error) => void }>();
  /** Batches of at least this many leaves go to the worker. */
  readonly offThreadFrom: number;

  constructor(options: { offThreadFrom?: number } = {}) {
    this.offThreadFrom = options.offThreadFrom ?? 20_000;
  }

  /** The root of `count` ids given as consecutive 32-byte runs (the buffer is transferred when off-thread). */
  build(ids: Uint8Array, count: number): Promise<Hex> {
    if (count < this.offThreadFrom) {
      return Promise.resolve(MessageMerkleTree.build(splitMessageIds(ids, count)).root);
    }
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, ids, count }, [ids.buffer as ArrayBuffer]);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL("./merkleRootWorker.ts", import.meta.url));
    worker.unref();
    worker.on("message", (msg: { id: number; root?: Hex; error?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.root) p.resolve(msg.root);
      else p.reject(new Error(`Merkle worker: ${msg.error}`));
    });
    worker.on("error", (err) => this.failAll(err));
    worker.on("exit", () => {
      this.worker = undefined;
      this.failAll(new Error("Merkle worker exited"));
    });
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}
