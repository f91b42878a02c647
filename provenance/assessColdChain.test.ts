import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { assessColdChain, type TemperatureSample } from "./assessColdChain.ts";
import { meanKineticTemperature } from "./meanKineticTemperature.ts";
import { DEFAULT_TEMPERATURE_PROFILE as profile } from "./temperatureProfile.ts";

const MIN = 60_000;
const window = { from: 0, to: 240 * MIN };
/** One reading a minute over the window, at `base` °C, with `overrides` by minute. */
const samples = (base: number, overrides: Record<number, number> = {}): TemperatureSample[] =>
  Array.from({ length: 241 }, (_, m) => ({ ts: m * MIN, tempC: overrides[m] ?? base }));
const warm = (from: number, to: number, tempC = 11) =>
  Object.fromEntries(Array.from({ length: to - from }, (_, i) => [from + i, tempC]));

describe("assessColdChain", () => {
  it("calls a journey inside the range compliant, with its mean kinetic temperature", () => {
    const result = assessColdChain(samples(5), [], window, profile);
    expect(result).toMatchObject({ verdict: "compliant", readings: 241, excursions: [], minC: 5, maxC: 5 });
    expect(result.meanKineticC).toBeCloseTo(5, 9);
    expect(result.summary).toBe("Kept within 2–8 °C the whole time.");
  });

  it("tolerates an excursion within the profile's limits, and lists it", () => {
    const result = assessColdChain(samples(5, warm(60, 80)), [], window, profile);
    expect(result.verdict).toBe("compliant");
    expect(result.summary).toBe(
      "Kept within 2–8 °C except 20 min in all, within what the profile tolerates.",
    );
    const short = assessColdChain(
      [
        { ts: 0, tempC: 5 },
        { ts: 1_000, tempC: 9 },
        { ts: 28_000, tempC: 5 },
        { ts: 60_000, tempC: 5 },
      ],
      [],
      { from: 0, to: 60_000 },
      profile,
    );
    expect(short.summary).toBe("Kept within 2–8 °C except 27 s in all, within what the profile tolerates.");
    expect(result.excursions).toEqual([
      {
        start: 60 * MIN,
        end: 80 * MIN,
        durationMs: 20 * MIN,
        peakC: 11,
        direction: "above",
        exceedsSingleLimit: false,
      },
    ]);
  });

  it("calls a single excursion longer than allowed an excursion, with start, end, peak and duration", () => {
    const result = assessColdChain(samples(5, { ...warm(100, 145), 120: 14.5 }), [], window, profile);
    expect(result.verdict).toBe("excursion");
    expect(result.excursions).toEqual([
      {
        start: 100 * MIN,
        end: 145 * MIN,
        durationMs: 45 * MIN,
        peakC: 14.5,
        direction: "above",
        exceedsSingleLimit: true,
      },
    ]);
    expect(result.summary).toMatch(/warmer than 2–8 °C for 45 min \(peak 14.5 °C\)/);
  });

  it("adds short excursions up: cumulative time over the limit is an excursion", () => {
    const overrides = { ...warm(10, 35), ...warm(60, 85), ...warm(110, 130, 1) };
    const result = assessColdChain(samples(5, overrides), [], window, profile);
    expect(result.excursions.map((e) => e.direction)).toEqual(["above", "above", "below"]);
    expect(result.cumulativeExcursionMs).toBe(70 * MIN);
    expect(result.verdict).toBe("excursion");
  });

  it("never calls compliant a journey with a gap in the readings: incomplete", () => {
    const gap = { from: 50 * MIN, to: 90 * MIN, reason: "missing-seq" as const };
    const result = assessColdChain(samples(5), [gap], window, profile);
    expect(result.verdict).toBe("incomplete");
    expect(result.gaps).toEqual([gap]);
    expect(result.summary).toBe("Cannot confirm 2–8 °C: 1 gap in the temperature record.");
    expect(assessColdChain([], [], window, profile).verdict).toBe("incomplete");
  });

  it("still reports a proven excursion when a gap hides another part of the journey", () => {
    const gap = { from: 200 * MIN, to: 220 * MIN, reason: "silence" as const };
    expect(assessColdChain(samples(5, warm(10, 60)), [gap], window, profile).verdict).toBe("excursion");
  });

  it("never calls compliant a journey with any reading out of range for longer than allowed (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 31, max: 40 }), (start, length) => {
        const result = assessColdChain(samples(5, warm(start, start + length, 9)), [], window, profile);
        return result.verdict === "excursion";
      }),
    );
  });
});

describe("meanKineticTemperature", () => {
  it("is the temperature itself when it never changes, and lies between the mean and the maximum", () => {
    expect(meanKineticTemperature([25, 25, 25])).toBeCloseTo(25, 9);
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -20, max: 40, noNaN: true }), { minLength: 1, maxLength: 50 }),
        (ts) => {
          const mkt = meanKineticTemperature(ts)!;
          const mean = ts.reduce((a, b) => a + b, 0) / ts.length;
          return mkt >= mean - 1e-9 && mkt <= Math.max(...ts) + 1e-9;
        },
      ),
    );
    expect(meanKineticTemperature([])).toBeNull();
  });
});
