type Bucket = { tokens: number; at: number };

export type TokenBucketsOptions = {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Bucket size: how many takes may happen at once. */
  burst: number;
  /** Above this many keys, buckets that have refilled completely are forgotten. */
  maxKeys?: number;
};

/**
 * Rate limits by key (a device address, an IP address): one token bucket each, created full on first
 * use. Memory stays bounded by pruning buckets that have refilled, since a full bucket is the same as
 * no bucket.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private readonly burst: number;
  private readonly maxKeys: number;

  constructor(options: TokenBucketsOptions) {
    this.perMs = options.ratePerSecond / 1000;
    this.burst = options.burst;
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  /** Takes one token for `key`; false when its bucket is empty (the caller refuses). */
  take(key: string, now: number): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.prune(now);
      bucket = { tokens: this.burst, at: now };
      this.buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.perMs);
      bucket.at = now;
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  get size(): number {
    return this.buckets.size;
  }

  private prune(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + (now - b.at) * this.perMs >= this.burst) this.buckets.delete(key);
    }
    // Still full (many distinct keys all active): forget the oldest tenth rather than grow or prune on
    // every new key. Those keys get a fresh bucket, a bounded leniency.
    if (this.buckets.size >= this.maxKeys) {
      let drop = Math.ceil(this.maxKeys / 10);
      for (const key of this.buckets.keys()) {
        if (drop-- <= 0) break;
        this.buckets.delete(key);
      }
    }
  }
}
