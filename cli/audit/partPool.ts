import { Worker } from "node:worker_threads";
import type { PartRequest, PartWorkerData } from "./auditPartWorker.ts";
import type { AuditSlice } from "./planAuditSlices.ts";
import type { SliceOutcome } from "./verifyAuditSlice.ts";

/** Verifies parts on worker threads, one part per thread at a time. */
export type PartPool = {
  verify(partText: string, slice: AuditSlice): Promise<SliceOutcome>;
  close(): Promise<void>;
};

/**
 * `threads` worker threads running auditPartWorker.ts. The verifier is synchronous for signatures and
 * multiproofs, so parts on two threads use both cores, and one part's anchor reads (waiting on the RPC
 * node) overlap another's signatures. A thread that dies fails the parts it held, never silently.
 * @example const pool = createPartPool(2, { rpcUrls, rpcTimeoutMs }); await pool.verify(text, slice)
 */
export function createPartPool(threads: number, data: PartWorkerData): PartPool {
  type Waiting = { resolve: (o: SliceOutcome) => void; reject: (e: Error) => void };
  const slots = Array.from({ length: threads }, () => {
    const worker = new Worker(new URL("./auditPartWorker.ts", import.meta.url), {
      workerData: data,
      name: "sealtrail-audit-part",
    });
    const waiting = new Map<number, Waiting>();
    worker.on("message", (m: { id: number; outcome?: SliceOutcome; error?: string }) => {
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.outcome) w?.resolve(m.outcome);
      else w?.reject(new Error(m.error ?? "the worker gave no outcome"));
    });
    const failAll = (error: Error) => {
      for (const w of waiting.values()) w.reject(error);
      waiting.clear();
    };
    worker.on("error", failAll);
    worker.on("exit", (code) => failAll(new Error(`an audit thread exited (${code})`)));
    return { worker, waiting, busy: 0 };
  });
  let nextId = 0;
  return {
    verify(text, slice) {
      const slot = slots.reduce((a, b) => (b.busy < a.busy ? b : a));
      const id = nextId++;
      slot.busy++;
      return new Promise<SliceOutcome>((resolve, reject) => {
        slot.waiting.set(id, { resolve, reject });
        const request: PartRequest = { id, text, slice };
        slot.worker.postMessage(request);
      }).finally(() => {
        slot.busy--;
      });
    },
    async close() {
      await Promise.all(
        slots.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.worker.once("exit", () => resolve());
              s.worker.postMessage({ close: true });
              setTimeout(() => void s.worker.terminate(), 2_000).unref();
            }),
        ),
      );
    },
  };
}
