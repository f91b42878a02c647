import { resolve } from "node:path";
import { z } from "zod";

/** The demo's configuration, from the environment (README lists every variable). */
export const demoConfigSchema = z.object({
  SEALTRAIL_HTTP_PORT: z.coerce
    .number()
    .int()
    .min(1)
    .max(65535)
    .default(8080)
    .describe("API and scan page port"),
  SEALTRAIL_MQTT_PORT: z.coerce
    .number()
    .int()
    .min(1)
    .max(65535)
    .default(1883)
    .describe("MQTT port of the embedded broker"),
  SEALTRAIL_RPC_PORT: z.coerce
    .number()
    .int()
    .min(1)
    .max(65535)
    .default(8545)
    .describe("JSON-RPC port of the local L2"),
  SEALTRAIL_DATA_DIR: z
    .string()
    .min(1)
    .default("./data")
    .describe("Where the store, keys and device state live"),
  SEALTRAIL_ADMIN_TOKEN: z
    .string()
    .min(16)
    .optional()
    .describe("Admin bearer token; generated and kept in the data dir when unset"),
  SEALTRAIL_HOST: z.string().default("127.0.0.1").describe("Interface every server binds"),
  SEALTRAIL_BATCH_MAX_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .default(1000)
    .describe("Messages per batch at most"),
  SEALTRAIL_BATCH_MAX_AGE_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(5000)
    .describe("Batch age at which it seals"),
  SEALTRAIL_FINALITY_DEPTH: z.coerce
    .number()
    .int()
    .min(1)
    .default(3)
    .describe("Blocks after which an anchor is final"),
  SEALTRAIL_SIM_SCENARIO: z
    .string()
    .optional()
    .describe("Scenario file for the simulated fleet (default: the cold-chain scenario)"),
  SEALTRAIL_SIM: z.enum(["on", "off"]).default("on").describe("Run the simulated fleet"),
  SEALTRAIL_LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "silent"])
    .default("info")
    .describe("Log level"),
});

export type DemoConfig = z.infer<typeof demoConfigSchema>;

/** Parses the environment; throws one readable message listing every bad variable. */
export function demoConfigFromEnv(env: NodeJS.ProcessEnv): DemoConfig & { dataDir: string } {
  const result = demoConfigSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith("SEALTRAIL_") && v !== "")),
  );
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${String(i.path[0])}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join("\n")}`);
  }
  return { ...result.data, dataDir: resolve(result.data.SEALTRAIL_DATA_DIR) };
}
