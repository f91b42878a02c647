import type { Prng } from "../random/createPrng.ts";
import {
  relax,
  roundTo,
  type SensorConditions,
  type SensorModel,
  type Settings,
  withDefaults,
} from "./sensorModel.ts";

export type HumidityConfig = {
  /** Relative humidity the closed box settles at, % (fresh produce: 85–95 %). */
  meanPct: number;
  /** Outside relative humidity, %: where an open door pulls it. */
  ambientPct: number;
  /** Sensor noise (standard deviation), %. */
  noisePct: number;
  /** Time constant toward the closed-box mean, s. */
  settleTauS: number;
  /** Time constant toward ambient while the door is open, s. */
  doorTauS: number;
};

export const DEFAULT_HUMIDITY: HumidityConfig = {
  meanPct: 88,
  ambientPct: 55,
  noisePct: 0.8,
  settleTauS: 1200,
  doorTauS: 180,
};

/**
 * Relative humidity (`rh_pct`): steady in a closed box, dropping toward the outside air while the door is
 * open, recovering afterwards; clamped to 0–100 %.
 * @example createHumidity({ meanPct: 90 }, prng).step(60, 60, CALM_CONDITIONS) // { rh_pct: 89.7 }
 */
export function createHumidity(settings: Settings<HumidityConfig> | undefined, prng: Prng): SensorModel {
  const c = withDefaults(DEFAULT_HUMIDITY, settings);
  let rh = c.meanPct;
  return {
    step(_tS: number, dtS: number, conditions: SensorConditions) {
      rh = conditions.doorOpen
        ? relax(rh, c.ambientPct, dtS, c.doorTauS)
        : relax(rh, c.meanPct, dtS, c.settleTauS);
      const measured = Math.min(100, Math.max(0, rh + prng.normal(0, c.noisePct)));
      return { rh_pct: roundTo(measured, 1) };
    },
  };
}
