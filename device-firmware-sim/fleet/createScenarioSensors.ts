import { createPrng } from "../random/createPrng.ts";
import { createSensorSuite, type SensorSuite, type SensorsConfig } from "../sensors/createSensorSuite.ts";
import type { SensorEvent } from "../sensors/sensorEvents.ts";
import type { DeviceGroup, Scenario } from "./scenarioSchema.ts";

/** The label of device `index` (0-based) of a group: `<group>-1`, `<group>-2`, … */
export function deviceLabel(group: DeviceGroup, index: number): string {
  return `${group.group}-${index + 1}`;
}

/**
 * The sensors of device `index` of `group` in a scenario: the group's sensors (route start staggered by
 * the device's place in the group), the events scheduled for its label, and a random stream that depends
 * only on the seed and the label — so the same seed replays the same readings, device by device.
 * @example createScenarioSensors(scenario, scenario.devices[0], 1, scenario.seed).next() // reefer-2's first reading
 */
export function createScenarioSensors(
  scenario: Scenario,
  group: DeviceGroup,
  index: number,
  seed: number,
): SensorSuite {
  const label = deviceLabel(group, index);
  return createSensorSuite(
    {
      sensors: staggerRoute(group.sensors, index * group.staggerS),
      periodS: group.periodMs / 1000,
      timeScale: scenario.timeScale,
      events: scenario.events
        .filter((e) => e.device === label)
        .map(({ device: _, ...event }): SensorEvent => event),
    },
    createPrng(seed).fork(label).fork("sensors"),
  );
}

/** Spreads devices of one group along their route: device i starts `offsetS` further along. */
function staggerRoute(sensors: SensorsConfig, offsetS: number): SensorsConfig {
  if (!sensors.route || offsetS === 0) return sensors;
  return {
    ...sensors,
    route: { ...sensors.route, startOffsetS: (sensors.route.startOffsetS ?? 0) + offsetS },
  };
}
