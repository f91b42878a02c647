import { performance } from "node:perf_hooks";
import type { Address, CborLimits, SignatureVerifier } from "#protocol";
import { checkReading, type VerifiedReading } from "../ingest/checkReading.ts";
import type { ReadingVerifier } from "../ingest/verifier.ts";
import type { VerifyPoolStats } from "../metrics.ts";
import { ExpandedKeys } from "./expandedKeys.ts";

/** What the adaptive verifier needs of the pool: its verify, and its stats for the metrics. */
export type PoolVerifier = ReadingVerifier & { stats(): VerifyPoolStats };

export type AdaptiveVerifierOptions = {
  /** The main thread's synchronous verifier (the native one: ~46 µs; noble's ~1 ms is never inlined). */
  verifier: SignatureVerifier;
  limits: CborLimits;
  /**
   * Most of the main thread's time the event loop may spend busy, 0..1, counting the inline checks: the
   * checks get what the rest (MQTT, hooks, routing) leaves below it. 0 sends every reading to the pool.
   */
  maxLoad: number;
  /** How often the budget is recomputed from the event loop's utilisation, ms (default 100). */
  intervalMs?: number;
};

/**
 * Checks readings on the main thread while its event loop has room, and on the verify pool beyond that.
 * A reading sent to a worker costs two `postMessage`s, a wake-up of a cold thread and the reply's promise
 * plumbing: at 1,000 readings/s on 2 cores ~200 µs of CPU on top of a ~65 µs check (docs/benchmarks.md), so
 * at the loads real fleets produce the pool costs 3–4× the work it takes over. Inline, the check runs hot
 * in the thread that already holds the bytes.
 *
 * The budget: every `intervalMs` the event loop utilisation (ELU) of the interval that ended is split into
 * the inline checks' own measured time and the rest; the checks may take `maxLoad − rest` of the next
 * interval. At low load everything is inline; as MQTT and the hooks take the loop, more goes to the
 * pool, and on a many-core machine at high load all of it does (there the one event loop is the limit and
 * the workers are cheap). Order is not kept between the two paths, nor was it between workers: a device's
 * readings are independent rows keyed by seq.
 */
export class AdaptiveVerifier implements ReadingVerifier {
  private readonly options: Required<AdaptiveVerifierOptions>;
  private readonly pool: PoolVerifier;
  private readonly keys = new ExpandedKeys();
  private intervalStart = performance.now();
  private elu = performance.eventLoopUtilization();
  /** Inline time left in this interval, ms. */
  private budgetMs: number;
  /** Inline time spent in this interval, ms. */
  private spentMs = 0;
  private inlined = 0;

  constructor(pool: PoolVerifier, options: AdaptiveVerifierOptions) {
    this.pool = pool;
    this.options = { intervalMs: 100, ...options };
    this.budgetMs = this.options.maxLoad * this.options.intervalMs;
  }

  verify(raw: Uint8Array, device: Address, publicKey: Uint8Array): Promise<VerifiedReading> {
    const started = performance.now();
    if (started - this.intervalStart >= this.options.intervalMs) this.nextInterval(started);
    if (this.budgetMs <= 0) return this.pool.verify(raw, device, publicKey);
    this.inlined++;
    try {
      const key = this.keys.get(device, publicKey);
      return Promise.resolve(checkReading(raw, device, key, this.options.verifier, this.options.limits));
    } catch (error) {
      return Promise.reject(error);
    } finally {
      const spent = performance.now() - started;
      this.spentMs += spent;
      this.budgetMs -= spent;
    }
  }

  /** The pool's stats, with the readings checked inline counted as `inline`. */
  stats(): VerifyPoolStats {
    return { ...this.pool.stats(), inline: this.inlined };
  }

  private nextInterval(now: number): void {
    const elu = performance.eventLoopUtilization(this.elu);
    this.elu = performance.eventLoopUtilization();
    const elapsed = now - this.intervalStart;
    const rest = Math.max(0, elu.utilization - this.spentMs / elapsed);
    this.budgetMs = Math.max(0, this.options.maxLoad - rest) * this.options.intervalMs;
    this.spentMs = 0;
    this.intervalStart = now;
  }
}
