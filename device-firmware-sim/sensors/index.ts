// Public API of device-firmware-sim/sensors/: deterministic sensor models of a reefer container.
export { type BatteryConfig, createBattery, DEFAULT_BATTERY } from "./battery.ts";
export {
  createSensorSuite,
  type SensorSuite,
  type SensorSuiteOptions,
  type SensorsConfig,
} from "./createSensorSuite.ts";
export { createDoorSensor } from "./doorSensor.ts";
export { createHumidity, DEFAULT_HUMIDITY, type HumidityConfig } from "./humidity.ts";
export {
  createReeferTemperature,
  DEFAULT_REEFER_TEMPERATURE,
  type ReeferTemperatureConfig,
} from "./reeferTemperature.ts";
export {
  createRoutePosition,
  DEFAULT_ROUTE,
  distanceMetres,
  type LatLon,
  pointAlongRoute,
  type RouteConfig,
} from "./routePosition.ts";
export { conditionsAt, type SensorEvent } from "./sensorEvents.ts";
export { CALM_CONDITIONS, type SensorConditions, type SensorModel, type Settings } from "./sensorModel.ts";
export { createShock, DEFAULT_SHOCK, type ShockConfig } from "./shock.ts";
