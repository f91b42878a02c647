import type { BatchRecord, Store } from "../store/types.ts";
import type { MerkleRootBuilder } from "./merkleRootBuilder.ts";

/**
 * Rows read per store query while collecting a batch, with a yield between queries: keeps each
 * main-thread slice short (~2 ms; one query of 10,000 ids held the event loop ~9 ms, a PUBACK tail at
 * 8,000 readings/s).
 */
const READ_PAGE = 2_500;

export type SealOptions = {
  store: Store;
  builder: MerkleRootBuilder;
  maxSize: number;
  /** Seal only when full or when the oldest message is this old (0: seal whatever is pending). */
  maxAgeMs: number;
  now: () => number;
};

/**
 * Seals the next batch if one is due: up to `maxSize` unbatched messages in arrival order, when that many
 * are waiting or the oldest has waited `maxAgeMs`. Ids are read in pages with a yield between them and
 * the root is built off-thread for large batches, so sealing a million messages does not stall ingest.
 * Returns the sealed batch, or undefined when none was due.
 */
export async function sealPendingBatch(o: SealOptions): Promise<BatchRecord | undefined> {
  const summary = await o.store.unbatchedSummary(o.maxSize);
  if (summary.count === 0) return undefined;
  const age = o.now() - (summary.oldestReceivedAt ?? o.now());
  if (summary.count < o.maxSize && age < o.maxAgeMs) return undefined;
  const ids = new Uint8Array(summary.count * 32);
  let after = await o.store.lastBatchedN();
  let count = 0;
  while (count < summary.count) {
    const page = await o.store.readUnbatchedIds(
      after,
      summary.lastN,
      Math.min(READ_PAGE, summary.count - count),
    );
    if (page.count === 0) break;
    ids.set(page.ids, count * 32);
    count += page.count;
    after = page.lastN;
    if (count < summary.count) await new Promise((r) => setImmediate(r));
  }
  const root = await o.builder.build(ids, count);
  return o.store.sealBatch({ root, sealedAt: o.now(), lastN: after, size: count });
}
