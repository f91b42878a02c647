import type { EventStore, TemperatureProfileRecord } from "#gateway";
import { DEFAULT_TEMPERATURE_PROFILE, type TemperatureProfile } from "#provenance";
import { DEFAULT_PROFILE_KEY } from "../../validation/parseGtinParam.ts";

/** A profile and where it came from: the GTIN's own, the stored default, or the server's configured one. */
export type EffectiveProfile = {
  profile: TemperatureProfile;
  source: "gtin" | "default" | "configured";
  /** The GTIN it was asked for (14 digits), or `default`. */
  gtin: string;
  updatedAt: number | null;
};

const strip = (r: TemperatureProfileRecord): TemperatureProfile => ({
  name: r.name,
  minC: r.minC,
  maxC: r.maxC,
  maxSingleExcursionMs: r.maxSingleExcursionMs,
  maxCumulativeExcursionMs: r.maxCumulativeExcursionMs,
});

/**
 * The temperature profile that applies to a GTIN: its own (PUT /profiles/{gtin}), else the stored default
 * (PUT /profiles/default), else the server's configured default (ApiDeps.defaultTemperatureProfile, itself
 * DEFAULT_TEMPERATURE_PROFILE unless configured). `null` (an item without GTIN, a pallet) takes the default.
 * @example (await temperatureProfileOf(store, "09506000134352", configured)).profile.maxC // 8
 */
export async function temperatureProfileOf(
  store: Pick<EventStore, "getTemperatureProfile">,
  gtin: string | null,
  configured: TemperatureProfile = DEFAULT_TEMPERATURE_PROFILE,
): Promise<EffectiveProfile> {
  const own =
    gtin === null || gtin === DEFAULT_PROFILE_KEY ? undefined : await store.getTemperatureProfile(gtin);
  if (own) return { profile: strip(own), source: "gtin", gtin: own.gtin, updatedAt: own.updatedAt };
  const stored = await store.getTemperatureProfile(DEFAULT_PROFILE_KEY);
  const asked = gtin ?? DEFAULT_PROFILE_KEY;
  if (stored) return { profile: strip(stored), source: "default", gtin: asked, updatedAt: stored.updatedAt };
  return { profile: configured, source: "configured", gtin: asked, updatedAt: null };
}
