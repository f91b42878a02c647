import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { ConfigError, ConfigErrorCode } from "./errors.ts";

/**
 * Reads a configuration file: JSON (`.json`) or YAML (anything else; YAML reads JSON too), holding a
 * mapping of sections, e.g. `gateway: { batchMaxSize: 500 }`. Unknown keys are the loader's to refuse.
 * @example readConfigFile("sealtrail.yaml") // { gateway: { batchMaxSize: 500 } }
 */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new ConfigError(
      ConfigErrorCode.FileUnreadable,
      `cannot read the configuration file ${path}: ${(cause as Error).message}`,
      { cause, details: { path } },
    );
  }
  let parsed: unknown;
  try {
    parsed = path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw new ConfigError(
      ConfigErrorCode.FileInvalid,
      `the configuration file ${path} is not valid ${path.endsWith(".json") ? "JSON" : "YAML"}: ${(cause as Error).message}`,
      { cause, details: { path } },
    );
  }
  // An empty YAML file is null: no settings.
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== "object" || Array.isArray(parsed))
    throw new ConfigError(
      ConfigErrorCode.FileInvalid,
      `the configuration file ${path} must hold a mapping of sections (common, gateway, anchoring, registry, api, sim, demo)`,
      { details: { path } },
    );
  return parsed as Record<string, unknown>;
}
