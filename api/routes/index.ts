export { getDevice } from "./getDevice.ts";
export { getReading } from "./getReading.ts";
export { getReadingProof } from "./getReadingProof.ts";
export { getStatus } from "./getStatus.ts";
export { registerDevice } from "./registerDevice.ts";
