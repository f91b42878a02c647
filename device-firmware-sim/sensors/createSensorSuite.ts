import { validateArgument } from "#protocol";
import type { Prng } from "../random/createPrng.ts";
import { type BatteryConfig, createBattery } from "./battery.ts";
import { createDoorSensor } from "./doorSensor.ts";
import { createHumidity, type HumidityConfig } from "./humidity.ts";
import { createReeferTemperature, type ReeferTemperatureConfig } from "./reeferTemperature.ts";
import { createRoutePosition, type RouteConfig } from "./routePosition.ts";
import { conditionsAt, type SensorEvent } from "./sensorEvents.ts";
import type { SensorModel, Settings } from "./sensorModel.ts";
import { createShock, type ShockConfig } from "./shock.ts";

/** Which sensors a device carries (a key present = fitted) and their settings. */
export type SensorsConfig = {
  temperature?: Settings<ReeferTemperatureConfig> | undefined;
  humidity?: Settings<HumidityConfig> | undefined;
  route?: Settings<RouteConfig> | undefined;
  shock?: Settings<ShockConfig> | undefined;
  battery?: Settings<BatteryConfig> | undefined;
  door?: boolean | undefined;
};

export type SensorSuiteOptions = {
  sensors: SensorsConfig;
  /** Run seconds between readings. */
  periodS: number;
  /** Simulated seconds per run second: the physics runs this much faster than the wall clock. */
  timeScale?: number;
  /** Events scheduled for this device (run seconds). */
  events?: readonly SensorEvent[];
};

/** A device's sensors, sampled in order: reading k is taken at run time k × periodS. */
export type SensorSuite = {
  /** The measurements of the next reading (k = 0, 1, 2, …). */
  next(): Record<string, number>;
  /** How many readings were taken so far. */
  readonly taken: number;
};

/**
 * Assembles a device's sensors. Each sensor draws from its own fork of `prng`, and readings depend only on
 * the seed and their index — not on when the timer actually fired — so a scenario replays exactly.
 * @example createSensorSuite({ sensors: { temperature: {} }, periodS: 1 }, createPrng(1)).next() // { temp_c: 4.02 }
 */
export function createSensorSuite(options: SensorSuiteOptions, prng: Prng): SensorSuite {
  const { sensors, periodS } = options;
  const timeScale = options.timeScale ?? 1;
  const events = options.events ?? [];
  validateArgument(periodS > 0 && timeScale > 0, "periodS and timeScale must be positive");
  const models: SensorModel[] = [];
  if (sensors.temperature)
    models.push(createReeferTemperature(sensors.temperature, prng.fork("temperature")));
  if (sensors.humidity) models.push(createHumidity(sensors.humidity, prng.fork("humidity")));
  if (sensors.route) models.push(createRoutePosition(sensors.route, prng.fork("route")));
  if (sensors.shock) models.push(createShock(sensors.shock, prng.fork("shock")));
  if (sensors.battery) models.push(createBattery(sensors.battery, prng.fork("battery")));
  if (sensors.door) models.push(createDoorSensor());
  validateArgument(models.length > 0, "a device needs at least one sensor");
  let taken = 0;
  return {
    next() {
      const runS = taken * periodS;
      const conditions = conditionsAt(events, runS, periodS);
      const m: Record<string, number> = {};
      for (const model of models)
        Object.assign(m, model.step(runS * timeScale, periodS * timeScale, conditions));
      taken++;
      return m;
    },
    get taken() {
      return taken;
    },
  };
}
