import type { z } from "zod";
import { CONFIG_SECTIONS, type ConfigSectionName } from "./schema.ts";
import { type SettingMeta, settingRegistry } from "./setting.ts";

/** One key of the configuration, as the loader, `sealtrail config` and the docs see it. */
export type SettingInfo = {
  section: ConfigSectionName;
  key: string;
  /** `section.key`, the key's name in a configuration file and in `sealtrail config`. */
  path: string;
  env: string;
  doc: string;
  schema: z.ZodType;
  meta: SettingMeta & { env: string };
  /** The service default (undefined: unset unless configured). */
  defaultValue: unknown;
};

/**
 * Every key of the schema, section by section. Throws on a key without a variable or a doc sentence: the
 * schema's own test runs this, so such a key cannot be merged.
 * @example listSettings().find((s) => s.env === "SEALTRAIL_BATCH_MAX_SIZE")?.path // "gateway.batchMaxSize"
 */
export function listSettings(): SettingInfo[] {
  const out: SettingInfo[] = [];
  for (const [section, { schema }] of Object.entries(CONFIG_SECTIONS) as [
    ConfigSectionName,
    (typeof CONFIG_SECTIONS)[ConfigSectionName],
  ][]) {
    for (const [key, field] of Object.entries(schema.shape) as [string, z.ZodType][]) {
      const meta = settingRegistry.get(field);
      const path = `${section}.${key}`;
      if (!meta?.env) throw new Error(`configuration key ${path} has no environment variable`);
      if (!field.description) throw new Error(`configuration key ${path} has no documentation`);
      out.push({
        section,
        key,
        path,
        env: meta.env,
        doc: field.description,
        schema: field,
        meta: { ...meta, env: meta.env },
        defaultValue: field.safeParse(undefined).data,
      });
    }
  }
  return out;
}
