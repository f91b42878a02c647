import { type GatewaySection, gatewaySection, loadConfig, redactValue } from "#config";

/**
 * The gateway's part of the one Sealtrail configuration (config/sections/gateway.ts holds each key with its
 * variable, default and doc; docs/configuration.md lists them). These helpers keep the gateway's own entry
 * points: tests and benchmarks build a gateway configuration from a few keys.
 */
export const gatewayConfigSchema = gatewaySection;

export type GatewayConfig = GatewaySection;

/** Reads the whole configuration from the environment (and SEALTRAIL_CONFIG's file) and returns the gateway's part. */
export function gatewayConfigFromEnv(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig({ env }).config.gateway;
}

/**
 * Validates a partial gateway configuration and fills defaults; a bad value throws a ConfigError naming the
 * key and its variable.
 * @example parseGatewayConfig({ mqttPort: 0, batchMaxSize: 5 })
 */
export function parseGatewayConfig(input: Partial<Record<keyof GatewayConfig, unknown>>): GatewayConfig {
  return loadConfig({ values: { gateway: input } }).config.gateway;
}

/** The configuration with secrets replaced, for logs. */
export function redactGatewayConfig(config: GatewayConfig): Record<string, unknown> {
  return redactValue(gatewaySection, config) as Record<string, unknown>;
}
