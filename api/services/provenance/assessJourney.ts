import {
  assessColdChain,
  type ChainGap,
  type ColdChainAssessment,
  type TemperatureProfile,
  type TemperatureSample,
} from "#provenance";
import type { WatchedReadings } from "./watchReadings.ts";

type Gap = Pick<ChainGap, "from" | "to" | "reason">;

/**
 * The cold-chain verdict over the stretch the sensors watched (from the first watch's start to the last
 * one's end; with no sensor, the item's whole record so far, which is then `incomplete`). A gap in one
 * sensor's record is forgiven where another sensor watched the same stretch without a gap, and a stretch
 * inside the window that no sensor watched is a gap (`silence`): never `compliant` over time nobody saw.
 * @example assessJourney(await watchReadings(store, watches, options), profile, { from, to: now }).verdict
 */
export function assessJourney(
  watched: readonly WatchedReadings[],
  profile: TemperatureProfile,
  fallback: { from: number; to: number },
): ColdChainAssessment {
  if (watched.length === 0) return assessColdChain([], [], fallback, profile);
  const window = {
    from: Math.min(...watched.map((w) => w.from)),
    to: Math.max(...watched.map((w) => w.to)),
  };
  const samples: TemperatureSample[] = [];
  for (const { readings: r } of watched)
    for (let i = 0; i < r.count; i++) {
      const tempC = r.tempC[i];
      if (tempC !== null && tempC !== undefined) samples.push({ ts: r.ts[i]!, tempC });
    }
  const clean = (w: WatchedReadings, g: Gap) =>
    w.from <= g.from && w.to >= g.to && w.gaps.every((o) => o.to <= g.from || o.from >= g.to);
  const gaps: Gap[] = [];
  for (const w of watched)
    for (const g of w.gaps)
      if (!watched.some((other) => other !== w && clean(other, g)))
        gaps.push({ from: g.from, to: g.to, reason: g.reason });
  // Stretches of the window no sensor watched.
  const spans = watched.map((w) => [w.from, w.to] as const).sort((a, b) => a[0] - b[0]);
  let reach = window.from;
  for (const [from, to] of spans) {
    if (from > reach) gaps.push({ from: reach, to: from, reason: "silence" });
    reach = Math.max(reach, to);
  }
  return assessColdChain(samples, gaps, window, profile);
}
