import { availableParallelism } from "node:os";
import { z } from "zod";

/**
 * Gateway configuration: one schema, every key with its doc, default and environment variable.
 * Parsed once at start; a bad value stops the start with a readable message.
 */
export const gatewayConfigSchema = z.object({
  mode: z
    .enum(["embedded", "external"])
    .default("embedded")
    .describe(
      "embedded: devices connect to the gateway's own aedes broker; external: the gateway consumes from an external broker (SEALTRAIL_GATEWAY_MODE)",
    ),
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
  packetOverheadBytes: z.coerce
    .number()
    .int()
    .min(64)
    .max(1 << 16)
    .default(256)
    .describe(
      "MQTT packets may exceed maxMessageBytes by this much (topic, ids); a larger declared length closes the socket at once (SEALTRAIL_PACKET_OVERHEAD_BYTES)",
    ),
  connectTimeoutMs: z.coerce
    .number()
    .int()
    .min(100)
    .default(10_000)
    .describe("A socket that has not sent CONNECT by then is closed, ms (SEALTRAIL_CONNECT_TIMEOUT_MS)"),
  maxTopicLevels: z.coerce
    .number()
    .int()
    .min(3)
    .max(100)
    .default(8)
    .describe("Deepest topic a PUBLISH or SUBSCRIBE may name (SEALTRAIL_MAX_TOPIC_LEVELS)"),
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
  deviceRatePerSecond: z.coerce
    .number()
    .positive()
    .default(20)
    .describe("Sustained readings per second one device may publish (SEALTRAIL_DEVICE_RATE)"),
  deviceRateBurst: z.coerce
    .number()
    .int()
    .min(1)
    .default(200)
    .describe(
      "Readings a device may publish at once above its rate, e.g. a backlog after an outage (SEALTRAIL_DEVICE_BURST)",
    ),
  connectRatePerIpPerSecond: z.coerce
    .number()
    .positive()
    .default(20)
    .describe("Sustained CONNECTs per second from one IP address (SEALTRAIL_CONNECT_RATE_PER_IP)"),
  connectBurstPerIp: z.coerce
    .number()
    .int()
    .min(1)
    .default(500)
    .describe(
      "CONNECTs one IP address may make at once, e.g. a NAT of devices reconnecting after a gateway restart (SEALTRAIL_CONNECT_BURST_PER_IP)",
    ),
  verifier: z
    .enum(["native", "noble"])
    .default("native")
    .describe(
      "Signature verifier: native libsecp256k1, or the pure-JS noble fallback where the addon is unavailable (SEALTRAIL_VERIFIER)",
    ),
  secp256k1: z
    .enum(["auto", "system", "bundled"])
    .default("auto")
    .describe(
      "Which libsecp256k1 the native verifier uses: the system's (apt-get install libsecp256k1-dev; bin/dev builds its addon; ~22 % faster), the copy bundled by the secp256k1 package, or auto (system when built) (SEALTRAIL_SECP256K1)",
    ),
  verifyPoolSize: z.coerce
    .number()
    .int()
    .min(0)
    .max(256)
    .default(() => availableParallelism())
    .describe(
      "Worker threads verifying signatures; 0 verifies on the main thread (default: the number of cores) (SEALTRAIL_VERIFY_POOL_SIZE)",
    ),
  verifyBatchMax: z.coerce
    .number()
    .int()
    .min(1)
    .max(65_536)
    .default(64)
    .describe(
      "Most readings sent to a verify worker in one message; bigger batches cost less CPU but wait longer (SEALTRAIL_VERIFY_BATCH_MAX)",
    ),
  revocationPollMs: z.coerce
    .number()
    .int()
    .min(0)
    .default(2_000)
    .describe(
      "How often to re-read device records so a revocation made by another process closes the live session; 0 = only revocations made through this gateway's registry (SEALTRAIL_REVOCATION_POLL_MS)",
    ),
  externalBrokerUrl: z
    .string()
    .default("")
    .describe(
      "External mode: the broker to consume from, e.g. mqtt://broker:1883 (SEALTRAIL_EXTERNAL_BROKER_URL)",
    ),
  externalClientId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/)
    .default("sealtrail-gateway-1")
    .describe(
      "External mode: this gateway's fixed client id prefix; its persistent sessions keep unacknowledged readings across restarts (SEALTRAIL_EXTERNAL_CLIENT_ID)",
    ),
  externalConnections: z.coerce
    .number()
    .int()
    .min(1)
    .max(256)
    .default(16)
    .describe(
      "External mode: consumer sessions per gateway; each takes one reading at a time, so this is the ingest concurrency (SEALTRAIL_EXTERNAL_CONNECTIONS)",
    ),
  externalShareGroup: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default("sealtrail")
    .describe(
      "External mode: shared subscription group, $share/{group}/devices/+/readings (SEALTRAIL_EXTERNAL_SHARE_GROUP)",
    ),
  externalUsername: z
    .string()
    .default("")
    .describe("External mode: broker user name of the gateway (SEALTRAIL_EXTERNAL_USERNAME)"),
  externalPassword: z
    .string()
    .default("")
    .describe(
      "External mode: broker password of the gateway; secret, redacted in logs (SEALTRAIL_EXTERNAL_PASSWORD)",
    ),
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
  mode: "SEALTRAIL_GATEWAY_MODE",
  mqttHost: "SEALTRAIL_MQTT_HOST",
  mqttPort: "SEALTRAIL_MQTT_PORT",
  maxMessageBytes: "SEALTRAIL_MAX_MESSAGE_BYTES",
  packetOverheadBytes: "SEALTRAIL_PACKET_OVERHEAD_BYTES",
  connectTimeoutMs: "SEALTRAIL_CONNECT_TIMEOUT_MS",
  maxTopicLevels: "SEALTRAIL_MAX_TOPIC_LEVELS",
  maxFutureSkewMs: "SEALTRAIL_MAX_FUTURE_SKEW_MS",
  tokenMaxSkewSeconds: "SEALTRAIL_TOKEN_MAX_SKEW_S",
  deviceRatePerSecond: "SEALTRAIL_DEVICE_RATE",
  deviceRateBurst: "SEALTRAIL_DEVICE_BURST",
  connectRatePerIpPerSecond: "SEALTRAIL_CONNECT_RATE_PER_IP",
  connectBurstPerIp: "SEALTRAIL_CONNECT_BURST_PER_IP",
  verifier: "SEALTRAIL_VERIFIER",
  secp256k1: "SEALTRAIL_SECP256K1",
  verifyPoolSize: "SEALTRAIL_VERIFY_POOL_SIZE",
  verifyBatchMax: "SEALTRAIL_VERIFY_BATCH_MAX",
  revocationPollMs: "SEALTRAIL_REVOCATION_POLL_MS",
  externalBrokerUrl: "SEALTRAIL_EXTERNAL_BROKER_URL",
  externalClientId: "SEALTRAIL_EXTERNAL_CLIENT_ID",
  externalConnections: "SEALTRAIL_EXTERNAL_CONNECTIONS",
  externalShareGroup: "SEALTRAIL_EXTERNAL_SHARE_GROUP",
  externalUsername: "SEALTRAIL_EXTERNAL_USERNAME",
  externalPassword: "SEALTRAIL_EXTERNAL_PASSWORD",
  groupCommitMs: "SEALTRAIL_GROUP_COMMIT_MS",
  batchMaxSize: "SEALTRAIL_BATCH_MAX_SIZE",
  batchMaxAgeMs: "SEALTRAIL_BATCH_MAX_AGE_MS",
};

const SECRET_KEYS: readonly (keyof GatewayConfig)[] = ["externalPassword"];

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
  if (result.data.mode === "external" && result.data.externalBrokerUrl === "") {
    throw new Error(
      `invalid gateway configuration:\n  ${ENV_KEYS.externalBrokerUrl}: required when ${ENV_KEYS.mode}=external`,
    );
  }
  return result.data;
}

/** The configuration with secrets replaced, for logs. */
export function redactGatewayConfig(config: GatewayConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  for (const key of SECRET_KEYS) if (out[key]) out[key] = "[redacted]";
  return out;
}
