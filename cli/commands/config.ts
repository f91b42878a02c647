import { parseArgs } from "node:util";
import { isConfigError, type LoadedConfig, listSettings, loadConfig, redactConfig } from "#config";
import { type CliIo, ExitCode } from "../io.ts";

const HELP = `usage: sealtrail config [--demo] [--json] [--config <file>]

Prints the effective configuration: every key with its value, its variable and where the value came from
(env, file, demo default or default). Secrets (admin token, anchorer key, broker password) are shown as
[redacted] and URLs without credentials, path or query, so the output can go into a ticket.

  --demo           the configuration 'sealtrail demo' would run with (the demo's defaults)
  --json           the redacted configuration as JSON, one object per section
  --config <file>  read this JSON or YAML file (default: SEALTRAIL_CONFIG, if set)

Exit status: 0 valid, 1 invalid (each bad key named with its variable on stderr), 2 usage.
Every key is documented in docs/configuration.md.
`;

/** `sealtrail config`: validates the configuration the way a start does and prints it, redacted. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  let values: { help?: boolean; demo?: boolean; json?: boolean; config?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        help: { type: "boolean", short: "h" },
        demo: { type: "boolean" },
        json: { type: "boolean" },
        config: { type: "string" },
      },
      strict: true,
    }));
  } catch (error) {
    io.stderr.write(`sealtrail config: ${(error as Error).message}\n\n${HELP}`);
    return ExitCode.Usage;
  }
  if (values.help) {
    io.stdout.write(HELP);
    return ExitCode.Ok;
  }
  let loaded: LoadedConfig;
  try {
    loaded = loadConfig({ env: process.env, file: values.config, profile: values.demo ? "demo" : "service" });
  } catch (error) {
    if (!isConfigError(error)) throw error;
    io.stderr.write(`sealtrail config: ${error.message}\n`);
    return ExitCode.Failed;
  }
  const redacted = redactConfig(loaded.config);
  io.stdout.write(values.json ? `${JSON.stringify(redacted, null, 2)}\n` : formatText(loaded, redacted));
  return ExitCode.Ok;
}

function formatText(loaded: LoadedConfig, redacted: Record<string, Record<string, unknown>>): string {
  const settings = listSettings();
  const rows = settings.map((s) => {
    const value = redacted[s.section]?.[s.key];
    return {
      key: s.path,
      value: value === undefined ? "(unset)" : JSON.stringify(value),
      origin: `${s.env}, ${loaded.sources[s.path] ?? "default"}`,
    };
  });
  const keyWidth = Math.max(...rows.map((r) => r.key.length));
  const valueWidth = Math.min(40, Math.max(...rows.map((r) => r.value.length)));
  const head = `# ${loaded.profile === "demo" ? "sealtrail demo" : "service"} configuration${loaded.file ? ` (file ${loaded.file})` : ""}; secrets redacted\n`;
  return `${head}${rows.map((r) => `${r.key.padEnd(keyWidth)}  ${r.value.padEnd(valueWidth)}  # ${r.origin}`).join("\n")}\n`;
}
