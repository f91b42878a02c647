// Provenance computations shared by the API, the auditor's CLI and the product page: pure, no I/O.
export {
  assessColdChain,
  type ColdChainAssessment,
  type ColdChainVerdict,
  type Excursion,
  type TemperatureSample,
} from "./assessColdChain.ts";
export {
  type ChainGap,
  type ChainLink,
  checkReadingChain,
  type ReadingChainOptions,
} from "./checkReadingChain.ts";
export { meanKineticTemperature } from "./meanKineticTemperature.ts";
export { type SensorSummaryInput, sensorSummaryEvent } from "./sensorSummaryEvent.ts";
export { DEFAULT_TEMPERATURE_PROFILE, type TemperatureProfile } from "./temperatureProfile.ts";
export {
  type ContainmentEvent,
  type Enclosure,
  enclosuresOf,
  type Holding,
  holdingsFromEvents,
  type SensorWatch,
  sensorsWatching,
} from "./traceContainment.ts";
