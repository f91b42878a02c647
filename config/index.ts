// Public API of config/: the one configuration schema of every component, its loader and its docs.

export { ConfigError, ConfigErrorCode, isConfigError } from "./errors.ts";
export { listSettings, type SettingInfo } from "./listSettings.ts";
export {
  CONFIG_FILE_ENV,
  type ConfigProfile,
  type ConfigSource,
  type LoadConfigOptions,
  type LoadedConfig,
  loadConfig,
} from "./loadConfig.ts";
export { readConfigFile } from "./readConfigFile.ts";
export { REDACTED, redactConfig, redactValue } from "./redactConfig.ts";
export { redactUrl } from "./redactUrl.ts";
export { renderConfigDocs } from "./renderConfigDocs.ts";
export {
  CONFIG_SECTIONS,
  type ConfigSectionName,
  type SealtrailConfig,
  sealtrailConfigSchema,
} from "./schema.ts";
export { type AnchoringSection, type AnchorTargetConfig, anchorTargetSchema } from "./sections/anchoring.ts";
export type { ApiSection } from "./sections/api.ts";
export type { CommonSection } from "./sections/common.ts";
export type { DemoSection } from "./sections/demo.ts";
export type { DeploySection } from "./sections/deploy.ts";
export { type GatewaySection, gatewaySection } from "./sections/gateway.ts";
export type { RegistrySection } from "./sections/registry.ts";
export type { SimSection } from "./sections/sim.ts";
export { type StoreSection, storeSection } from "./sections/store.ts";
export { type SettingMeta, setting, settingRegistry } from "./setting.ts";
