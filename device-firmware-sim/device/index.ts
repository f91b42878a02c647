// Public API of device-firmware-sim/device/: how a well-behaved device keeps its key, its chain and its outbox.
export { abortableSleep } from "./abortableSleep.ts";
export { atomicWriteFile, fsyncDirectory } from "./atomicWriteFile.ts";
export { type BackoffPolicy, backoffDelayMs, DEFAULT_BACKOFF } from "./backoff.ts";
export { decodeRefusal, type GatewayRefusal, HALTING_REFUSALS, RETRYABLE_REFUSALS } from "./decodeRefusal.ts";
export { createDeviceKeyFile, DEVICE_KEY_FILE, loadOrCreateDeviceKey } from "./deviceKeyFile.ts";
export {
  DEVICE_STATE_FILE,
  DEVICE_STATE_FORMAT,
  type DeviceState,
  INITIAL_DEVICE_STATE,
  loadDeviceState,
  saveDeviceState,
} from "./deviceState.ts";
export { type DeviceStats, type FleetStats, summarizeStats } from "./deviceStats.ts";
export { nextTokenIat } from "./nextTokenIat.ts";
export { Outbox, type OutboxEntry } from "./Outbox.ts";
export { openDeviceStorage } from "./openDeviceStorage.ts";
export { PublishWindow, type PublishWindowOptions } from "./PublishWindow.ts";
export { type RecordReadingArgs, recordReading } from "./recordReading.ts";
export { SimDevice, type SimDeviceEvents, type SimDeviceOptions } from "./SimDevice.ts";
export { startDriftFreeTimer } from "./startDriftFreeTimer.ts";
