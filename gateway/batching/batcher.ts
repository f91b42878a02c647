import { EventEmitter } from "node:events";
import type { Logger } from "pino";
import type { GatewayMetrics } from "../metrics.ts";
import type { BatchRecord, Store } from "../store/types.ts";
import { MerkleRootBuilder } from "./merkleRootBuilder.ts";
import { sealPendingBatch } from "./sealPendingBatch.ts";

export type BatcherOptions = {
  store: Store;
  maxSize: number;
  maxAgeMs: number;
  logger: Logger;
  metrics: GatewayMetrics;
  now?: () => number;
  /** How often to look for a batch to seal, ms (default: a quarter of maxAgeMs, at most 1 s). */
  intervalMs?: number;
  /** Batches of at least this many leaves get their tree built on a worker thread. */
  offThreadFrom?: number;
};

/**
 * Seals stored messages into Merkle batches: a batch closes when it holds `maxSize` messages or its
 * oldest message is `maxAgeMs` old, whichever comes first. A batch is the run of messages between two
 * arrival numbers, recorded in one insert, so every message lands in exactly one batch whatever
 * crashes when.
 */
export class Batcher extends EventEmitter<{ sealed: [BatchRecord] }> {
  private readonly options: BatcherOptions;
  private readonly builder: MerkleRootBuilder;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(options: BatcherOptions) {
    super();
    this.options = options;
    this.builder = new MerkleRootBuilder(
      options.offThreadFrom === undefined ? {} : { offThreadFrom: options.offThreadFrom },
    );
  }

  start(): void {
    const interval = this.options.intervalMs ?? Math.min(1000, Math.max(50, this.options.maxAgeMs / 4));
    this.timer = setInterval(() => void this.tick(), interval);
  }

  /** Seals every batch that is due now. Concurrent calls share one run. */
  tick(): Promise<void> {
    this.running ??= this.sealDue()
      .catch((err) => this.options.logger.error({ err: String(err) }, "sealing failed; will retry"))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /** Seals everything pending now, whatever its age (for shutdown and tests). */
  async flush(): Promise<void> {
    await this.running;
    await this.sealDue(0);
  }

  private async sealDue(maxAgeMs = this.options.maxAgeMs): Promise<void> {
    const { store, maxSize, metrics, logger } = this.options;
    const now = this.options.now ?? Date.now;
    while (true) {
      const batch = await sealPendingBatch({ store, builder: this.builder, maxSize, maxAgeMs, now });
      if (!batch) break;
      metrics.batchesSealed.inc();
      logger.info({ batchId: batch.id, size: batch.size, root: batch.root }, "batch sealed");
      this.emit("sealed", batch);
      // A backlog of due batches (after downtime, or with a small maxSize) must not hold the event loop:
      // the store's calls may settle at once, and a loop of microtasks would starve every socket.
      await new Promise((resolve) => setImmediate(resolve));
    }
    metrics.unbatched.set((await store.unbatchedSummary(maxSize)).count);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    await this.builder.close();
  }
}
