export { DEFAULT_MAX_SILENCE_MS, getProvenance } from "./getProvenance.ts";
export { getTemperatureProfile } from "./getTemperatureProfile.ts";
export { putTemperatureProfile } from "./putTemperatureProfile.ts";
