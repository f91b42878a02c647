import { describe, expect, it } from "@jest/globals";
import { TokenBuckets } from "./tokenBuckets.ts";

describe("TokenBuckets", () => {
  it("allows a burst, then refuses until tokens refill at the configured rate", () => {
    const buckets = new TokenBuckets({ ratePerSecond: 10, burst: 3 });
    const t = 1_000_000;
    expect([1, 2, 3, 4].map(() => buckets.take("a", t))).toEqual([true, true, true, false]);
    expect(buckets.take("a", t + 50)).toBe(false); // half a token
    expect(buckets.take("a", t + 100)).toBe(true); // one token after 100 ms at 10/s
    expect(buckets.take("a", t + 100)).toBe(false);
  });

  it("keeps keys apart: one device's flood does not limit another", () => {
    const buckets = new TokenBuckets({ ratePerSecond: 1, burst: 1 });
    expect(buckets.take("flooder", 0)).toBe(true);
    expect(buckets.take("flooder", 0)).toBe(false);
    expect(buckets.take("quiet", 0)).toBe(true);
  });

  it("never holds more than a full burst after a long pause", () => {
    const buckets = new TokenBuckets({ ratePerSecond: 1000, burst: 2 });
    buckets.take("a", 0);
    const later = 3_600_000;
    expect([1, 2, 3].map(() => buckets.take("a", later))).toEqual([true, true, false]);
  });

  it("stays bounded in memory when many distinct keys arrive", () => {
    const buckets = new TokenBuckets({ ratePerSecond: 1, burst: 5, maxKeys: 100 });
    for (let i = 0; i < 10_000; i++) buckets.take(`ip-${i}`, i);
    expect(buckets.size).toBeLessThanOrEqual(100);
  });
});
