import { z } from "zod";

/** What the configuration knows about a key beyond its type: where it comes from and how it is shown. */
export type SettingMeta = {
  /** The environment variable that sets it (every key of a section has one; fields inside a list have none). */
  env?: string;
  /** "value": never printed; "url": printed without credentials (user info, path, query). */
  secret?: "value" | "url";
  /** The demo's default where it differs from the service default (`sealtrail demo` favours quick feedback). */
  demo?: unknown;
  /** The default as the docs show it, where the value depends on the machine. */
  defaultText?: string;
  /** The demo default as the docs show it, where it is derived from another key. */
  demoText?: string;
  /** "json": the variable holds JSON (lists); otherwise its text is coerced to the key's type. */
  format?: "json";
};

/** Every key of the configuration schema registers here: the loader, `sealtrail config` and the docs read it. */
export const settingRegistry = z.registry<SettingMeta>();

/**
 * A configuration key: its type (with default), a sentence of documentation, and its variable.
 * @example maxMessageBytes: setting(z.coerce.number().int().default(4096), "Largest accepted reading, bytes", { env: "SEALTRAIL_MAX_MESSAGE_BYTES" })
 */
export function setting<T extends z.ZodType>(schema: T, doc: string, meta: SettingMeta): T {
  const described = schema.describe(doc) as T;
  settingRegistry.add(described as z.ZodType, meta);
  return described;
}
