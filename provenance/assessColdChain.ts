import type { ChainGap } from "./checkReadingChain.ts";
import { meanKineticTemperature } from "./meanKineticTemperature.ts";
import type { TemperatureProfile } from "./temperatureProfile.ts";

/** A verified temperature reading. Only readings whose signature verified may be passed in. */
export type TemperatureSample = { ts: number; tempC: number };

/** A run of readings out of the profile's range. */
export type Excursion = {
  /** Time of the first reading out of range, ms. */
  start: number;
  /** Time of the first reading back in range (or the end of the journey when none came), ms. */
  end: number;
  durationMs: number;
  /** The reading farthest out of range, °C. */
  peakC: number;
  direction: "above" | "below";
  /** Whether this excursion alone is longer than the profile tolerates. */
  exceedsSingleLimit: boolean;
};

export type ColdChainVerdict = "compliant" | "excursion" | "incomplete";

export type ColdChainAssessment = {
  verdict: ColdChainVerdict;
  /** One sentence for the person holding the product. */
  summary: string;
  profile: TemperatureProfile;
  from: number;
  to: number;
  readings: number;
  excursions: Excursion[];
  cumulativeExcursionMs: number;
  /** Stretches no verified reading vouches for. */
  gaps: Pick<ChainGap, "from" | "to" | "reason">[];
  minC: number | null;
  maxC: number | null;
  /** Mean kinetic temperature, °C: information, not part of the verdict. */
  meanKineticC: number | null;
};

/**
 * The cold-chain verdict for a journey from `from` to `to`: `excursion` when the verified readings show
 * the product out of range longer than the profile tolerates (at once or in all), else `incomplete` when a
 * gap in the readings hides part of the journey (never `compliant` then), else `compliant`. A reading's
 * value is taken to hold until the next reading, so an excursion lasts from its first reading out of range
 * to the first one back in range.
 * @example assessColdChain(samples, gaps, { from, to }, DEFAULT_TEMPERATURE_PROFILE).verdict
 */
export function assessColdChain(
  samples: readonly TemperatureSample[],
  gaps: readonly Pick<ChainGap, "from" | "to" | "reason">[],
  window: { from: number; to: number },
  profile: TemperatureProfile,
): ColdChainAssessment {
  const inWindow = samples
    .filter((s) => s.ts >= window.from && s.ts <= window.to)
    .sort((a, b) => a.ts - b.ts);
  const excursions: Excursion[] = [];
  let open: { start: number; peakC: number; direction: "above" | "below" } | null = null;
  const close = (end: number) => {
    if (!open) return;
    const durationMs = end - open.start;
    excursions.push({
      ...open,
      end,
      durationMs,
      exceedsSingleLimit: durationMs > profile.maxSingleExcursionMs,
    });
    open = null;
  };
  for (const { ts, tempC } of inWindow) {
    const direction = tempC > profile.maxC ? "above" : tempC < profile.minC ? "below" : null;
    if (open && direction !== open.direction) close(ts);
    if (!direction) continue;
    if (!open) open = { start: ts, peakC: tempC, direction };
    else open.peakC = direction === "above" ? Math.max(open.peakC, tempC) : Math.min(open.peakC, tempC);
  }
  close(window.to);

  const cumulativeExcursionMs = excursions.reduce((sum, e) => sum + e.durationMs, 0);
  const temperatures = inWindow.map((s) => s.tempC);
  const overLimit =
    excursions.some((e) => e.exceedsSingleLimit) || cumulativeExcursionMs > profile.maxCumulativeExcursionMs;
  const hidden = gaps.filter((g) => g.to > window.from && g.from < window.to);
  const verdict: ColdChainVerdict = overLimit
    ? "excursion"
    : hidden.length > 0 || inWindow.length === 0
      ? "incomplete"
      : "compliant";
  return {
    verdict,
    summary: summarize(verdict, profile, excursions, cumulativeExcursionMs, hidden.length),
    profile,
    from: window.from,
    to: window.to,
    readings: inWindow.length,
    excursions,
    cumulativeExcursionMs,
    gaps: hidden.map(({ from, to, reason }) => ({ from, to, reason })),
    minC: temperatures.length > 0 ? Math.min(...temperatures) : null,
    maxC: temperatures.length > 0 ? Math.max(...temperatures) : null,
    meanKineticC: meanKineticTemperature(temperatures),
  };
}

/** A duration as a person reads it: seconds under a minute (the demo runs 60× fast), else minutes. */
const minutes = (ms: number) =>
  ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;

function summarize(
  verdict: ColdChainVerdict,
  profile: TemperatureProfile,
  excursions: readonly Excursion[],
  cumulativeMs: number,
  gapCount: number,
): string {
  const range = `${profile.minC}–${profile.maxC} °C`;
  if (verdict === "excursion") {
    const worst = excursions.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
    return `Out of range: ${worst.direction === "above" ? "warmer" : "colder"} than ${range} for ${minutes(worst.durationMs)} (peak ${worst.peakC} °C), ${minutes(cumulativeMs)} in all.`;
  }
  if (verdict === "incomplete") {
    return `Cannot confirm ${range}: ${gapCount === 0 ? "no temperature readings" : `${gapCount} gap${gapCount === 1 ? "" : "s"} in the temperature record`}.`;
  }
  return excursions.length === 0
    ? `Kept within ${range} the whole time.`
    : `Kept within ${range} except ${minutes(cumulativeMs)} in all, within what the profile tolerates.`;
}
