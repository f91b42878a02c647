// Public API of contracts/: the compiled ABIs and bytecode (read from contracts/artifacts at call time, never
// at import time), typed handles on the two contracts, and a deployment helper for local chains.
export { attachAnchor, attachDeviceRegistry } from "./attachContracts.ts";
export {
  type DeployedContract,
  type DeploySealtrailOptions,
  deploySealtrail,
  type SealtrailDeployment,
} from "./deploySealtrail.ts";
export { ContractsError, ContractsErrorCode } from "./errors.ts";
export {
  type ContractArtifact,
  type LoadArtifactOptions,
  loadAnchorArtifact,
  loadDeviceRegistryArtifact,
} from "./loadArtifact.ts";
export { ANCHORER_ROLE, DEFAULT_ADMIN_DELAY_SECONDS, DEFAULT_ADMIN_ROLE, REGISTRAR_ROLE } from "./roles.ts";
export type {
  AccessControlMethods,
  AnchorRecord,
  DeviceRecord,
  SealtrailAnchorContract,
  SealtrailDeviceRegistryContract,
} from "./types.ts";
