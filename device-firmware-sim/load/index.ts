// Public API of device-firmware-sim/load/: pre-signed chains and the windowed publisher the ingest benchmark uses.
export { type DigestSigner, loadFastSigner } from "./fastSigner.ts";
export {
  type LoadDevice,
  type LoadDeviceResult,
  type LoadDriveOptions,
  type LoadDriveResult,
  loadDrive,
} from "./loadDrive.ts";
export { type PreSignedChain, type PreSignOptions, preSignReadings } from "./preSignReadings.ts";
