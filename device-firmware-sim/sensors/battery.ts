import type { Prng } from "../random/createPrng.ts";
import { roundTo, type SensorModel, type Settings, withDefaults } from "./sensorModel.ts";

export type BatteryConfig = {
  /** Voltage when the trip starts, V (a full Li-SOCl2 or Li-ion cell). */
  startV: number;
  /** Drain, volts per simulated hour. */
  drainVPerHour: number;
  /** The voltage never reads below this (the device browns out first), V. */
  cutoffV: number;
  /** ADC noise (standard deviation), V. */
  noiseV: number;
};

export const DEFAULT_BATTERY: BatteryConfig = {
  startV: 3.95,
  drainVPerHour: 0.004,
  cutoffV: 3.3,
  noiseV: 0.003,
};

/**
 * Battery voltage (`batt_v`): a slow linear drain with ADC noise, floored at the cut-off voltage.
 * @example createBattery({ startV: 3.9 }, prng).step(3600, 60, CALM_CONDITIONS) // { batt_v: 3.896 }
 */
export function createBattery(settings: Settings<BatteryConfig> | undefined, prng: Prng): SensorModel {
  const c = withDefaults(DEFAULT_BATTERY, settings);
  return {
    step(tS: number) {
      const level = Math.max(c.cutoffV, c.startV - (c.drainVPerHour * tS) / 3600);
      return { batt_v: roundTo(Math.max(c.cutoffV, level + prng.normal(0, c.noiseV)), 3) };
    },
  };
}
