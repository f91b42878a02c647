import { z } from "zod";

/**
 * Gateway configuration: one schema, every key with its doc, default and environment variable.
 * Parsed once at start; a bad value stops the start with a readable message.
 */
export const gatewayConfigSchema = z.object({
  mqttHost: z
    .string()
    .default("127.0.0.1")
    .describe("Interface the MQTT listener binds (SEALTRAIL_MQTT_HOST)"),
  mqttPort: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(1883)
    .describe("MQTT TCP port; 0 picks a free one (SEALTRAIL_MQTT_PORT)"),
  maxMessageBytes: z.coerce
    .number()
    .int()
    .min(256)
    .max(1 << 20)
    .default(4096)
    .describe("Largest accepted reading message, bytes (SEALTRAIL_MAX_MESSAGE_BYTES)"),
  maxFutureSkewMs: z.coerce
    .number()
    .int()
    .min(0)
    .default(5 * 60_000)
    .describe("How far ahead of the server clock a reading's ts may be (SEALTRAIL_MAX_FUTURE_SKEW_MS)"),
  tokenMaxSkewSeconds: z.coerce
    .number()
    .int()
    .min(1)
    .default(300)
    .describe("CONNECT token iat window, seconds (SEALTRAIL_TOKEN_MAX_SKEW_S)"),
  groupCommitMs: z.coerce
    .number()
    .int()
    .min(0)
    .max(100)
    .default(2)
    .describe("Longest a reading waits for its group commit, ms (SEALTRAIL_GROUP_COMMIT_MS)"),
  batchMaxSize: z.coerce
    .number()
    .int()
    .min(1)
    .max(4_000_000)
    .default(10_000)
    .describe("A batch seals when it holds this many messages (SEALTRAIL_BATCH_MAX_SIZE)"),
  batchMaxAgeMs: z.coerce
    .number()
    .int()
    .min(100)
    .default(60_000)
    .describe("…or when its oldest message is this old, ms (SEALTRAIL_BATCH_MAX_AGE_MS)"),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

const ENV_KEYS: Record<keyof GatewayConfig, string> = {
  mqttHost: "SEALTRAIL_MQTT_HOST",
  mqttPort: "SEALTRAIL_MQTT_PORT",
  maxMessageBytes: "SEALTRAIL_MAX_MESSAGE_BYTES",
  maxFutureSkewMs: "SEALTRAIL_MAX_FUTURE_SKEW_MS",
  tokenMaxSkewSeconds: "SEALTRAIL_TOKEN_MAX_SKEW_S",
  groupCommitMs: "SEALTRAIL_GROUP_COMMIT_MS",
  batchMaxSize: "SEALTRAIL_BATCH_MAX_SIZE",
  batchMaxAgeMs: "SEALTRAIL_BATCH_MAX_AGE_MS",
};

/** Reads the gateway configuration from environment variables (unset keys take their defaults). */
export function gatewayConfigFromEnv(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const raw: Record<string, string> = {};
  for (const [key, name] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value !== undefined && value !== "") raw[key] = value;
  }
  return parseGatewayConfig(raw);
}

/** Validates a partial configuration and fills defaults; throws a readable error. */
export function parseGatewayConfig(input: Partial<Record<keyof GatewayConfig, unknown>>): GatewayConfig {
  const result = gatewayConfigSchema.safeParse(input);
  if (!result.success) {
    const lines = result.error.issues.map((i) => {
      const key = String(i.path[0]) as keyof GatewayConfig;
      return `  ${ENV_KEYS[key] ?? key}: ${i.message}`;
    });
    throw new Error(`invalid gateway configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}
