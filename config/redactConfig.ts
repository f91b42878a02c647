import { z } from "zod";
import { redactUrl } from "./redactUrl.ts";
import { type SealtrailConfig, sealtrailConfigSchema } from "./schema.ts";
import { settingRegistry } from "./setting.ts";

export const REDACTED = "[redacted]";

/**
 * The configuration with every secret replaced: private keys and tokens by "[redacted]", URLs reduced to
 * scheme, host and port. What logs and `sealtrail config` print; never the configuration itself.
 * @example redactConfig(config).api.adminToken // "[redacted]"
 */
export function redactConfig(config: SealtrailConfig): Record<string, Record<string, unknown>> {
  return redactValue(sealtrailConfigSchema, config) as Record<string, Record<string, unknown>>;
}

/** Redacts `value` by the secrets that `schema` (a section or the whole configuration) declares. */
export function redactValue(schema: z.ZodType, value: unknown): unknown {
  const secret = settingRegistry.get(schema)?.secret;
  if (secret === "value") return value === undefined || value === "" ? value : REDACTED;
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject && isRecord(value)) {
    const shape = inner.shape as Record<string, z.ZodType>;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, shape[k] ? redactValue(shape[k], v) : v]),
    );
  }
  if (inner instanceof z.ZodArray && Array.isArray(value))
    return value.map((v) => redactValue(inner.element as z.ZodType, v));
  if (secret === "url" && typeof value === "string") return redactUrl(value);
  return value;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  while (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  return s;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
