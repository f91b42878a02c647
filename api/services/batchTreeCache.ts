import type { MessageMerkleTree } from "#protocol";

export const DEFAULT_TREE_CACHE_SIZE = 16;

/**
 * The most recently used Merkle trees, keyed by batch id. Batches are immutable once sealed, so a built
 * tree never goes stale; proofs of one batch are usually fetched together, and rebuilding costs
 * O(n log n) hashing. Holds promises so that concurrent requests for one batch build it once.
 */
export class BatchTreeCache {
  private readonly capacity: number;
  private readonly entries = new Map<number, Promise<MessageMerkleTree>>();

  constructor(capacity = DEFAULT_TREE_CACHE_SIZE) {
    this.capacity = Math.max(1, capacity);
  }

  /**
   * The tree of `batchId`, from the cache or built with `build` (a failed build is not cached).
   * @example await cache.get(batch.id, async () => MessageMerkleTree.build(await store.batchMessageIds(batch.id)))
   */
  get(batchId: number, build: () => Promise<MessageMerkleTree>): Promise<MessageMerkleTree> {
    const cached = this.entries.get(batchId);
    if (cached !== undefined) {
      // Map keeps insertion order: re-inserting marks the entry most recently used.
      this.entries.delete(batchId);
      this.entries.set(batchId, cached);
      return cached;
    }
    const built = build();
    this.entries.set(batchId, built);
    built.catch(() => {
      if (this.entries.get(batchId) === built) this.entries.delete(batchId);
    });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as number;
      this.entries.delete(oldest);
    }
    return built;
  }

  /** Number of cached trees. */
  get size(): number {
    return this.entries.size;
  }
}
