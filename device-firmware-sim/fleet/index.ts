// Public API of device-firmware-sim/fleet/: scenario files, the fleet runner and its fault injection.
export { type AttackContext, type AttackPlan, buildAttack } from "./buildAttack.ts";
export {
  CompromisedDevice,
  type CompromisedDeviceOptions,
  DISCONNECTED_WITHOUT_NOTICE,
  NO_ANSWER,
} from "./CompromisedDevice.ts";
export { createScenarioSensors, deviceLabel } from "./createScenarioSensors.ts";
export { loadScenarioFile, parseScenario } from "./parseScenario.ts";
export {
  type DeviceRegistration,
  type HttpRegistrarOptions,
  httpRegistrar,
  type RegisterDevice,
} from "./registerDevice.ts";
export {
  ATTACKS,
  type Attack,
  type DeviceGroup,
  SCENARIO_FORMAT,
  type Scenario,
  type ScenarioEvent,
  type ScenarioFault,
  type ScenarioInput,
  scenarioSchema,
} from "./scenarioSchema.ts";
export {
  type Fleet,
  type FleetDeviceInfo,
  type FleetFaultHooks,
  type StartFleetOptions,
  startFleet,
} from "./startFleet.ts";
