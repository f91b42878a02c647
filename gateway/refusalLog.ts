import type { Logger } from "pino";
import { TokenBuckets } from "./broker/tokenBuckets.ts";

/**
 * The warn-level log lines of refusals, limited per reason: a flood of hostile input must not turn into a
 * flood of log writes (the metrics still count every refusal). Past the limit, lines are dropped and the
 * next line written for that reason says how many were (`suppressed`).
 */
export class RefusalLog {
  private readonly logger: Logger;
  private readonly budget: TokenBuckets;
  private readonly suppressed = new Map<string, number>();
  private readonly now: () => number;

  constructor(logger: Logger, options: { linesPerSecond?: number; burst?: number; now?: () => number } = {}) {
    this.logger = logger;
    this.now = options.now ?? Date.now;
    this.budget = new TokenBuckets({
      ratePerSecond: options.linesPerSecond ?? 20,
      burst: options.burst ?? 100,
      maxKeys: 1000,
    });
  }

  /** Writes `fields` (which carry the reason) with `message`, unless this reason is over its budget. */
  warn(reason: string, fields: Record<string, unknown>, message: string): void {
    if (!this.budget.take(reason, this.now())) {
      this.suppressed.set(reason, (this.suppressed.get(reason) ?? 0) + 1);
      return;
    }
    const dropped = this.suppressed.get(reason);
    if (dropped) {
      this.suppressed.delete(reason);
      this.logger.warn({ reason, ...fields, suppressed: dropped }, message);
    } else this.logger.warn({ reason, ...fields }, message);
  }
}
