/** Reconnect timing: exponential growth, capped, with jitter so a fleet does not reconnect in lockstep. */
export type BackoffPolicy = {
  /** Delay before the first retry, ms. */
  initialMs: number;
  /** Upper bound of any delay, ms. */
  maxMs: number;
  /** Growth factor per failed attempt. */
  factor: number;
  /** Fraction of each delay that is randomised (0: none, 1: "full jitter"). */
  jitter: number;
};

/** 1 s doubling to 60 s, half of each delay random (docs/protocol.md §10). */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1000, maxMs: 60_000, factor: 2, jitter: 0.5 };

/**
 * The delay before reconnect attempt `attempt` (0 for the first retry): `min(max, initial·factor^attempt)`,
 * of which the `jitter` fraction is drawn uniformly — after a broker restart a thousand devices spread
 * their CONNECTs over seconds instead of arriving in one burst.
 * @example backoffDelayMs(3, DEFAULT_BACKOFF, Math.random) // between 4000 and 8000
 */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, attempt));
  return Math.round(ceiling * (1 - policy.jitter * random()));
}
