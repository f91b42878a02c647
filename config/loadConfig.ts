import { ConfigError, ConfigErrorCode } from "./errors.ts";
import { listSettings } from "./listSettings.ts";
import { readConfigFile } from "./readConfigFile.ts";
import { type SealtrailConfig, sealtrailConfigSchema } from "./schema.ts";

/** Where a key's effective value came from, weakest first. */
export type ConfigSource = "default" | "demo" | "file" | "given" | "env";

/** "service": the production defaults; "demo": `sealtrail demo`'s defaults where they differ. */
export type ConfigProfile = "service" | "demo";

export type LoadConfigOptions = {
  /** Environment variables (process.env in production). */
  env?: Readonly<Record<string, string | undefined>>;
  /** A configuration file; when unset, SEALTRAIL_CONFIG names one (or none). */
  file?: string | undefined;
  profile?: ConfigProfile;
  /** Values a caller gives in code (tests, benchmarks), per section: over the file, under the environment. */
  values?: Readonly<Record<string, unknown>>;
};

export type LoadedConfig = {
  config: SealtrailConfig;
  /** `section.key` → where its value came from. */
  sources: Record<string, ConfigSource>;
  profile: ConfigProfile;
  /** The configuration file read, if any. */
  file: string | undefined;
};

/** The variable that names the configuration file. */
export const CONFIG_FILE_ENV = "SEALTRAIL_CONFIG";

/**
 * The effective configuration: each key from the environment if its variable is set (and not empty), else
 * from the configuration file, else the profile's default. Validated once, here: a bad value throws a
 * ConfigError (CONFIG_INVALID) naming every bad key with its variable and where the value came from.
 * @example const { config } = loadConfig({ env: process.env, profile: "demo" }); config.gateway.batchMaxSize // 1000
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? {};
  const profile = options.profile ?? "service";
  const file = options.file ?? (env[CONFIG_FILE_ENV] || undefined);
  const settings = listSettings();
  const raw: Record<string, Record<string, unknown>> = {};
  const sources: Record<string, ConfigSource> = {};
  for (const s of settings) {
    raw[s.section] ??= {};
    sources[s.path] = "default";
  }
  const put = (section: string, key: string, value: unknown, source: ConfigSource) => {
    raw[section] ??= {};
    raw[section][key] = value;
    sources[`${section}.${key}`] = source;
  };

  if (profile === "demo")
    for (const s of settings) if (s.meta.demo !== undefined) put(s.section, s.key, s.meta.demo, "demo");

  const layer = (sections: Readonly<Record<string, unknown>>, source: ConfigSource) => {
    for (const [section, values] of Object.entries(sections)) {
      if (typeof values !== "object" || values === null || Array.isArray(values)) {
        // Not a mapping: handed to the schema as it is, which names the section in its refusal.
        (raw as Record<string, unknown>)[section] = values;
        continue;
      }
      for (const [key, value] of Object.entries(values))
        if (value !== undefined) put(section, key, value, source);
    }
  };
  if (file !== undefined) layer(readConfigFile(file), "file");
  if (options.values) layer(options.values, "given");

  const problems: string[] = [];
  for (const s of settings) {
    const text = env[s.env];
    if (text === undefined || text === "") continue;
    if (s.meta.format === "json") {
      try {
        put(s.section, s.key, JSON.parse(text), "env");
      } catch {
        problems.push(`  ${s.path} (${s.env}, from the environment): not valid JSON`);
      }
    } else put(s.section, s.key, text, "env");
  }

  const result = sealtrailConfigSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const [section, key, ...rest] = issue.path.map(String);
      if (issue.code === "unrecognized_keys") {
        const where = section === undefined ? "" : `${section}.`;
        for (const k of issue.keys)
          problems.push(`  ${where}${k}: unknown key${file ? ` (in ${file})` : ""}`);
        continue;
      }
      const path = [section, key].filter((p) => p !== undefined).join(".");
      const setting = settings.find((s) => s.path === path);
      const inside = rest.length > 0 ? ` at ${rest.join(".")}` : "";
      const from = describeSource(sources[path], file);
      problems.push(
        setting
          ? `  ${path} (${setting.env}${from})${inside}: ${issue.message}`
          : `  ${path || "(root)"}${inside}: ${issue.message}`,
      );
    }
  }
  if (problems.length > 0 || !result.success)
    throw new ConfigError(ConfigErrorCode.Invalid, `invalid configuration:\n${problems.join("\n")}`, {
      details: { problems },
    });

  const config = result.data;
  if (profile === "demo") {
    // The demo's servers share one interface (SEALTRAIL_HOST), as they always have, unless a server's own
    // host is configured.
    for (const path of ["gateway.mqttHost", "api.host"] as const) {
      if (sources[path] !== "default") continue;
      if (path === "gateway.mqttHost") config.gateway.mqttHost = config.demo.host;
      else config.api.host = config.demo.host;
      sources[path] = "demo";
    }
  }
  return { config, sources, profile, file };
}

function describeSource(source: ConfigSource | undefined, file: string | undefined): string {
  if (source === "env") return ", from the environment";
  if (source === "file") return `, from ${file}`;
  return "";
}
