import { z } from "zod";
import { listSettings, type SettingInfo } from "./listSettings.ts";
import { CONFIG_FILE_ENV } from "./loadConfig.ts";
import { CONFIG_SECTIONS, type ConfigSectionName } from "./schema.ts";
import { anchorTargetSchema } from "./sections/anchoring.ts";

/**
 * docs/configuration.md, generated from the schema (`npm run docs:config`); a test fails when the
 * committed file differs, so the docs cannot drift from the code.
 * @example writeFileSync("docs/configuration.md", renderConfigDocs())
 */
export function renderConfigDocs(): string {
  const settings = listSettings();
  const out: string[] = [INTRO];
  for (const section of Object.keys(CONFIG_SECTIONS) as ConfigSectionName[]) {
    out.push(`## ${CONFIG_SECTIONS[section].title}`, "");
    out.push("| Key | Variable | Type | Default | Demo | Meaning |", "|---|---|---|---|---|---|");
    for (const s of settings.filter((x) => x.section === section))
      out.push(
        `| \`${s.path}\` | \`${s.env}\` | ${typeText(s.schema)} | ${defaultText(s)} | ${demoText(s)} | ${cell(s.doc)}${secretNote(s)} |`,
      );
    out.push("");
    if (section === "anchoring") out.push(TARGETS_HEAD, ...targetFields(), "");
  }
  out.push(EPILOGUE);
  return `${out.join("\n").trimEnd()}\n`;
}

function typeText(schema: z.ZodType): string {
  const js = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  if (js.enum) return js.enum.map((v) => `\`${String(v)}\``).join(" \\| ");
  if (js.type === "array") return "JSON list";
  if (js.type === "object") return "JSON object";
  if (js.type === "integer" || js.type === "number") {
    const name = js.type === "integer" ? "integer" : "number";
    const max = js.maximum !== undefined && js.maximum < Number.MAX_SAFE_INTEGER ? js.maximum : undefined;
    if (js.exclusiveMinimum !== undefined)
      return `${name} > ${js.exclusiveMinimum}${max !== undefined ? `, ≤ ${max}` : ""}`;
    if (js.minimum !== undefined && max !== undefined) return `${name} ${js.minimum}–${max}`;
    if (js.minimum !== undefined) return `${name} ≥ ${js.minimum}`;
    return name;
  }
  if (js.type === "string") {
    if (js.format === "uri") return "URL";
    if (js.minLength !== undefined && js.minLength > 1) return `string, ≥ ${js.minLength} characters`;
    if (js.pattern) return `string \`${js.pattern}\``;
    return "string";
  }
  return "value";
}

type JsonSchema = {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  format?: string;
};

function show(value: unknown): string {
  if (value === undefined) return "unset";
  if (typeof value === "string") return value === "" ? "empty" : `\`${value}\``;
  if (Array.isArray(value) || (value !== null && typeof value === "object"))
    return Array.isArray(value) && value.length === 0 ? "none" : `\`${JSON.stringify(value)}\``;
  return typeof value === "number" ? String(value) : `\`${String(value)}\``;
}

function defaultText(s: SettingInfo): string {
  return s.meta.defaultText ?? show(s.defaultValue);
}

function demoText(s: SettingInfo): string {
  if (s.meta.demoText) return `\`${s.meta.demoText}\``;
  if (s.meta.demo !== undefined) return `**${show(s.meta.demo)}**`;
  return "same";
}

function secretNote(s: SettingInfo): string {
  if (s.meta.secret === "value") return " *Secret: never printed.*";
  if (s.meta.secret === "url") return " *Printed without credentials, path or query.*";
  return "";
}

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

function targetFields(): string[] {
  const lines = ["| Field | Type | Default | Meaning |", "|---|---|---|---|"];
  for (const [key, field] of Object.entries(anchorTargetSchema.shape) as [string, z.ZodType][]) {
    const value = field.safeParse(undefined);
    const dflt = value.success ? show(value.data) : "required";
    lines.push(`| \`${key}\` | ${typeText(field)} | ${dflt} | ${cell(field.description ?? "")} |`);
  }
  return lines;
}

const INTRO = `# Configuration

<!-- Generated from config/schema.ts by \`npm run docs:config\`; do not edit by hand (a test compares). -->

Every Sealtrail component — gateway, anchorer, API, simulated fleet, demo — reads one configuration,
defined once as a zod schema in [config/](../config/schema.ts): each key has an environment variable, a type,
a default and a sentence of documentation, and this page is generated from it.

**Where values come from.** For each key, the first of these that has a value wins:

1. its **environment variable** (an empty variable counts as unset);
2. the **configuration file**, if one is given: \`${CONFIG_FILE_ENV}=path/to/sealtrail.yaml\` (or
   \`--config <file>\` on \`sealtrail demo\` and \`sealtrail config\`); JSON (\`.json\`) or YAML, one mapping
   per section, keys as in the *Key* column without the section prefix;
3. the **demo default** (\`sealtrail demo\` only; *Demo* column, **bold** where it differs);
4. the **default**.

So the environment overrides the file: a deployment can keep its settings in a file and override one with a
variable.

\`\`\`yaml
# sealtrail.yaml
gateway:
  batchMaxSize: 5000
  maxMessageBytes: 2048
anchoring:
  finalityDepth: 20
  maxFeePerGasGwei: 0.05
  targets:
    - { rpcUrl: "https://sepolia.optimism.io", chainId: 11155420, contract: "0x…", fromBlock: 12345678 }
\`\`\`

**Validation.** The configuration is parsed once, at start. A bad value stops the start with
\`CONFIG_INVALID\` and one line per bad key naming the key, its variable and where the value came from, e.g.
\`gateway.maxMessageBytes (SEALTRAIL_MAX_MESSAGE_BYTES, from the environment): Too big: expected number to be
<=1048576\`; an unknown key in the file is refused the same way (a typo must not silently fall back to a
default). An unreadable file is \`CONFIG_FILE_UNREADABLE\`, one that is not JSON or YAML \`CONFIG_FILE_INVALID\`.

**Secrets** (the admin token, the anchorer's private key, the external broker's password) are never printed;
URLs that may carry credentials (RPC endpoints, the external broker) are printed as scheme, host and port
only. \`sealtrail config\` prints the effective configuration that way, with where each value came from
(\`--json\` for the redacted configuration as JSON, \`--demo\` for the demo's, \`--config <file>\` to read a file);
the gateway logs it the same way when it starts.

**Variable names.** Every variable the gateway and the demo read before this schema keeps its name and
meaning. \`SEALTRAIL_HOST\` still sets the interface of every demo server; \`SEALTRAIL_MQTT_HOST\` and the new
\`SEALTRAIL_HTTP_HOST\` override it for one server. The demo used to ignore the gateway's variables (only 4 of
its keys were passed on): it now honours every key on this page.
`;

const TARGETS_HEAD = `Each entry of \`anchoring.targets\` (\`SEALTRAIL_ANCHOR_TARGETS\` holds the list as JSON, e.g.
\`[{"rpcUrl":"https://…","chainId":11155420,"contract":"0x…"}]\`):
`;

const EPILOGUE = `## Regenerating this page

\`\`\`sh
bin/dev npm run docs:config
\`\`\`

\`config/configDocs.test.ts\` fails when this file differs from what the script writes, so a key added to the
schema without regenerating the page fails CI.
`;
