/**
 * What every sensor model shares. A model is stepped once per reading, in order, with the simulated time
 * and what the world is doing to the device at that moment; it returns its measurements (names from
 * protocol KNOWN_MEASUREMENTS, units in the name). Models are pure functions of their seed and the steps
 * they were given, so a scenario replays exactly.
 */

/** Scheduled conditions of one device at one moment of the run. */
export type SensorConditions = {
  /** The reefer door is open. */
  doorOpen: boolean;
  /** The refrigeration unit is not cooling. */
  compressorFailed: boolean;
  /** A scheduled impact (g) during this step, if any. */
  impactG: number | undefined;
};

export const CALM_CONDITIONS: SensorConditions = {
  doorOpen: false,
  compressorFailed: false,
  impactG: undefined,
};

export type SensorModel = {
  /**
   * Advances the model to simulated time `tS` (seconds since the device started), `dtS` after the
   * previous step, and returns its measurements.
   */
  step(tS: number, dtS: number, conditions: SensorConditions): Record<string, number>;
};

/** A sensor's settings as a scenario gives them: any key may be missing (or undefined) and takes its default. */
export type Settings<C> = { [K in keyof C]?: C[K] | undefined };

/** Fills the keys `settings` leaves out (or sets to undefined) from `defaults`. */
export function withDefaults<C extends object>(defaults: C, settings: Settings<C> | undefined): C {
  const out = { ...defaults };
  for (const [key, value] of Object.entries(settings ?? {})) {
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

/** Rounds to `digits` decimals, as a sensor's resolution does. */
export function roundTo(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Exact exponential relaxation of `value` toward `target` over `dtS` with time constant `tauS`. */
export function relax(value: number, target: number, dtS: number, tauS: number): number {
  return target + (value - target) * Math.exp(-dtS / Math.max(tauS, 1e-9));
}
