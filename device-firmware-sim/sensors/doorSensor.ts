import type { SensorConditions, SensorModel } from "./sensorModel.ts";

/**
 * Door contact (`door_open`): 1 while the door is open, 0 otherwise — the evidence that explains a
 * temperature bump.
 * @example createDoorSensor().step(0, 60, { ...CALM_CONDITIONS, doorOpen: true }) // { door_open: 1 }
 */
export function createDoorSensor(): SensorModel {
  return {
    step: (_tS: number, _dtS: number, conditions: SensorConditions) => ({
      door_open: conditions.doorOpen ? 1 : 0,
    }),
  };
}
