/** A cold-chain temperature profile, set per GTIN (a default applies to the others). */
export type TemperatureProfile = {
  /** Name shown to people, e.g. "2–8 °C pharma". */
  name: string;
  /** Lowest allowed temperature, °C (inclusive). */
  minC: number;
  /** Highest allowed temperature, °C (inclusive). */
  maxC: number;
  /** Longest single excursion tolerated, ms (0: none). */
  maxSingleExcursionMs: number;
  /** Longest total time out of range tolerated over the journey, ms (0: none). */
  maxCumulativeExcursionMs: number;
};

/** The usual pharmaceutical cold chain: 2–8 °C, 30 min at once and 60 min in all out of range. */
export const DEFAULT_TEMPERATURE_PROFILE: TemperatureProfile = {
  name: "2–8 °C",
  minC: 2,
  maxC: 8,
  maxSingleExcursionMs: 30 * 60_000,
  maxCumulativeExcursionMs: 60 * 60_000,
};
