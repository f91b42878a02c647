import type { Prng } from "../random/createPrng.ts";
import {
  roundTo,
  type SensorConditions,
  type SensorModel,
  type Settings,
  withDefaults,
} from "./sensorModel.ts";

export type ShockConfig = {
  /** Road vibration: typical peak acceleration between readings, g. */
  vibrationG: number;
  /** Random knocks (potholes, rough handling) per simulated hour. */
  knocksPerHour: number;
  /** Mean extra peak of a knock above 1 g, g. */
  meanKnockG: number;
  /** Accelerometer full scale, g: readings saturate here. */
  maxG: number;
};

export const DEFAULT_SHOCK: ShockConfig = { vibrationG: 0.25, knocksPerHour: 1.5, meanKnockG: 1.5, maxG: 16 };

/**
 * Peak acceleration since the previous reading (`shock_g`): road vibration, occasional random knocks
 * (a Poisson process) and any impact the scenario schedules, saturating at the accelerometer's range.
 * @example createShock({}, prng).step(60, 60, { ...CALM_CONDITIONS, impactG: 9 }) // { shock_g: 9 }
 */
export function createShock(settings: Settings<ShockConfig> | undefined, prng: Prng): SensorModel {
  const c = withDefaults(DEFAULT_SHOCK, settings);
  return {
    step(_tS: number, dtS: number, conditions: SensorConditions) {
      let peak = Math.abs(prng.normal(c.vibrationG, c.vibrationG / 3));
      const knockProbability = 1 - Math.exp((-c.knocksPerHour * dtS) / 3600);
      if (prng.chance(knockProbability)) peak = Math.max(peak, 1 + prng.exponential(c.meanKnockG));
      if (conditions.impactG !== undefined) peak = Math.max(peak, conditions.impactG);
      return { shock_g: roundTo(Math.min(c.maxG, peak), 2) };
    },
  };
}
