import { CONFIG_FILE_ENV, type LoadedConfig, loadConfig } from "#config";

/**
 * The demo's configuration: the one schema (config/) with the demo's defaults, from the environment and
 * the optional configuration file (`--config`, else SEALTRAIL_CONFIG). Every key takes effect in the demo;
 * docs/configuration.md lists them. Throws a ConfigError naming each bad key and its variable.
 * @example const { config } = demoConfigFromEnv(process.env); await startStack({ config })
 */
export function demoConfigFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  file?: string,
): LoadedConfig {
  return loadConfig({ env, file: file ?? (env[CONFIG_FILE_ENV] || undefined), profile: "demo" });
}
