import type { EventStore } from "#gateway";
import type { Holding, TemperatureProfile } from "#provenance";
import { temperatureProfileOf } from "../provenance/temperatureProfileOf.ts";

const GTIN_OF = /^https:\/\/id\.gs1\.org\/01\/(\d{14})(?:\/|$)/;

/**
 * The temperature profile a unit's sensor is judged by over `[from, to]`: that of the GTIN(s) packed
 * directly into the unit (AggregationEvents) at any time in the stretch. Products of several GTINs give
 * the narrowest range of their profiles, since a reading outside any one of them is an excursion for some
 * product on board; a unit holding no GTIN (empty, or only other units) takes the default profile.
 * Children are canonical GS1 Digital Links (capture stores them so).
 * @example (await profileOfContents(store, holdings, sscc, from, to, configured)).gtins // ["04012345222227"]
 */
export async function profileOfContents(
  store: Pick<EventStore, "getTemperatureProfile">,
  holdings: readonly Holding[],
  unit: string,
  from: number,
  to: number,
  configured?: TemperatureProfile,
): Promise<{ profile: TemperatureProfile; gtins: string[] }> {
  const gtins = new Set<string>();
  for (const h of holdings) {
    if (h.kind !== "aggregation" || h.parent !== unit) continue;
    if (h.from > to || (h.to !== null && h.to < from)) continue;
    const gtin = GTIN_OF.exec(h.child)?.[1];
    if (gtin !== undefined) gtins.add(gtin);
  }
  const sorted = [...gtins].sort();
  if (sorted.length === 0)
    return { profile: (await temperatureProfileOf(store, null, configured)).profile, gtins: [] };
  const profiles = await Promise.all(
    sorted.map(async (g) => (await temperatureProfileOf(store, g, configured)).profile),
  );
  if (profiles.length === 1) return { profile: profiles[0]!, gtins: sorted };
  return {
    profile: {
      name: profiles.map((p) => p.name).join(" ∩ "),
      minC: Math.max(...profiles.map((p) => p.minC)),
      maxC: Math.min(...profiles.map((p) => p.maxC)),
      maxSingleExcursionMs: Math.min(...profiles.map((p) => p.maxSingleExcursionMs)),
      maxCumulativeExcursionMs: Math.min(...profiles.map((p) => p.maxCumulativeExcursionMs)),
    },
    gtins: sorted,
  };
}
