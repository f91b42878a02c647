export { getDevice } from "./getDevice.ts";
export { getReading } from "./getReading.ts";
export { getReadingProof } from "./getReadingProof.ts";
export { getStatus } from "./getStatus.ts";
export { DEFAULT_VERIFIER_TOOL_PATH, getVerifierTool, VERIFIER_TOOL_NAME } from "./getVerifierTool.ts";
export { listDeviceReadings } from "./listDeviceReadings.ts";
export { listDevices } from "./listDevices.ts";
export { registerDevice } from "./registerDevice.ts";
