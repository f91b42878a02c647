import type { Prng } from "../random/createPrng.ts";
import {
  relax,
  roundTo,
  type SensorConditions,
  type SensorModel,
  type Settings,
  withDefaults,
} from "./sensorModel.ts";

export type ReeferTemperatureConfig = {
  /** Thermostat setpoint, °C (chilled produce and pharma: 2–8 °C). */
  setpointC: number;
  /** Temperature at power-on, °C; defaults to the setpoint (a pre-cooled box). */
  initialC: number | null;
  /** Outside air, °C: what the cargo drifts to without cooling. */
  ambientC: number;
  /** Sensor noise (standard deviation), °C. */
  noiseC: number;
  /** Amplitude of the thermostat's on/off cycle around the setpoint, °C. */
  cycleC: number;
  /** Period of that cycle, simulated seconds. */
  cyclePeriodS: number;
  /** Time constant of the pull-down toward the setpoint while cooling, s. */
  coolTauS: number;
  /** While the door is open the box heads this fraction of the way to ambient… */
  doorLeak: number;
  /** …with this time constant, s. */
  doorTauS: number;
  /** Time constant of the warm-up toward ambient when the compressor has failed, s. */
  warmTauS: number;
};

export const DEFAULT_REEFER_TEMPERATURE: ReeferTemperatureConfig = {
  setpointC: 4,
  initialC: null,
  ambientC: 25,
  noiseC: 0.08,
  cycleC: 0.3,
  cyclePeriodS: 900,
  coolTauS: 900,
  doorLeak: 0.45,
  doorTauS: 400,
  warmTauS: 5400,
};

/**
 * Air temperature in a refrigerated container (`temp_c`): held near the setpoint by a cycling
 * thermostat; an open door pulls it part of the way to ambient quickly, a failed compressor all the way
 * slowly (an excursion once it passes the product's limit, 8 °C for chilled goods); cooling pulls it back.
 * @example createReeferTemperature({ setpointC: 4 }, prng).step(60, 60, CALM_CONDITIONS) // { temp_c: 4.1 }
 */
export function createReeferTemperature(
  settings: Settings<ReeferTemperatureConfig> | undefined,
  prng: Prng,
): SensorModel {
  const c = withDefaults(DEFAULT_REEFER_TEMPERATURE, settings);
  let air = c.initialC ?? c.setpointC;
  return {
    step(tS: number, dtS: number, conditions: SensorConditions) {
      let target: number;
      let tau: number;
      if (conditions.compressorFailed) {
        target = c.ambientC;
        tau = conditions.doorOpen ? Math.min(c.doorTauS, c.warmTauS) : c.warmTauS;
      } else if (conditions.doorOpen) {
        target = c.setpointC + c.doorLeak * (c.ambientC - c.setpointC);
        tau = c.doorTauS;
      } else {
        target = c.setpointC + c.cycleC * Math.sin((2 * Math.PI * tS) / c.cyclePeriodS);
        tau = c.coolTauS;
      }
      air = relax(air, target, dtS, tau);
      return { temp_c: roundTo(air + prng.normal(0, c.noiseC), 2) };
    },
  };
}
