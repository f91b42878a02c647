import { EventEmitter } from "node:events";
import type { Logger } from "pino";
import { MessageMerkleTree } from "#protocol";
import type { GatewayMetrics } from "../metrics.ts";
import type { BatchRecord, Store } from "../store/types.ts";

export type BatcherOptions = {
  store: Store;
  maxSize: number;
  maxAgeMs: number;
  logger: Logger;
  metrics: GatewayMetrics;
  now?: () => number;
  /** How often to look for a batch to seal, ms (default: a quarter of maxAgeMs, at most 1 s). */
  intervalMs?: number;
};

/**
 * Seals stored messages into Merkle batches: a batch closes when it holds `maxSize` messages or its
 * oldest message is `maxAgeMs` old, whichever comes first. The store assigns the messages and records
 * the root in one transaction, so every message lands in exactly one batch whatever crashes when.
 */
export class Batcher extends EventEmitter<{ sealed: [BatchRecord] }> {
  private readonly options: BatcherOptions;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(options: BatcherOptions) {
    super();
    this.options = options;
  }

  start(): void {
    const interval = this.options.intervalMs ?? Math.min(1000, Math.max(50, this.options.maxAgeMs / 4));
    this.timer = setInterval(
      () => void this.tick().catch((err) => this.options.logger.error({ err }, "batcher tick failed")),
      interval,
    );
  }

  /** Seals every batch that is due now. Concurrent calls share one run. */
  tick(): Promise<void> {
    this.running ??= this.sealDue().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sealDue(): Promise<void> {
    const { store, maxSize, maxAgeMs, metrics, logger } = this.options;
    const now = this.options.now ?? Date.now;
    while (true) {
      const { ids, oldestReceivedAt } = await store.peekUnbatched(maxSize);
      metrics.unbatched.set(ids.length);
      if (ids.length === 0) return;
      if (ids.length < maxSize && now() - (oldestReceivedAt ?? now()) < maxAgeMs) return;
      const root = MessageMerkleTree.build(ids).root;
      const batch = await store.sealBatch({ root, sealedAt: now(), messageIds: ids });
      metrics.batchesSealed.inc();
      logger.info({ batchId: batch.id, size: batch.size, root }, "batch sealed");
      this.emit("sealed", batch);
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
