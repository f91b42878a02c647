import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { isConfigError, loadConfig } from "#config";
import { isGs1Error, normaliseGtin } from "#gs1";
import { CliError, CliErrorCode, isCliError } from "../errors.ts";
import { type CliIo, ExitCode } from "../io.ts";
import { type LabelSource, labelItems, MAX_LABELS } from "../labels/labelItems.ts";
import { renderLabelSheet } from "../labels/renderLabelSheet.ts";

export const LABELS_HELP = `usage: sealtrail labels --out <sheet.html> <what to print> [options]

Writes a printable HTML sheet of GS1 Digital Link QR labels (inline SVG, no script, no outside resource):
each label has the QR code, the key in words, the GS1 element string (HRI) and the URI.

what to print (one of):
  --uris <file>               Digital Link URIs, one a line ('#' comments), printed as written
  --gtin <gtin> --serials <from>-<to> [--serial-prefix <p>] [--serial-width <n>] [--lot <lot>]
                              one label per serial <p><number> (zero-padded to n digits), with the lot if given
  --gtin <gtin> --lot <lot> [--copies <n>]
                              n labels of the lot (default 1)

options:
  --base-url <url>   public base URL of the resolver (default: api.publicBaseUrl, SEALTRAIL_PUBLIC_BASE_URL)
  --prefix <path>    resolver path prefix (default: api.resolverPathPrefix, SEALTRAIL_RESOLVER_PATH_PREFIX)
  --ecl <L|M|Q|H>    QR error-correction level (default M)
  --force            replace <sheet.html> if it exists
  -h, --help         show this help

At most ${MAX_LABELS} labels per sheet. Exit status: 0 written, 1 cannot write, 2 usage or invalid item.
`;

const OPTIONS = {
  out: { type: "string" },
  uris: { type: "string" },
  gtin: { type: "string" },
  serials: { type: "string" },
  "serial-prefix": { type: "string" },
  "serial-width": { type: "string" },
  lot: { type: "string" },
  copies: { type: "string" },
  "base-url": { type: "string" },
  prefix: { type: "string" },
  ecl: { type: "string" },
  force: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

type Values = ReturnType<typeof parse>["values"];
const parse = (argv: string[]) => parseArgs({ args: argv, options: OPTIONS, strict: true });
const usage = (message: string): never => {
  throw new CliError(CliErrorCode.Usage, message);
};

function integer(text: string | undefined, name: string, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  if (!/^[0-9]{1,9}$/.test(text) || Number(text) > max) usage(`--${name} is an integer 0..${max}`);
  return Number(text);
}

/** The resolver URL the labels point at: the options, else the configuration (same keys as the API's). */
function resolverPrefix(values: Values): string {
  let base = values["base-url"];
  let prefix = values.prefix;
  if (base === undefined || prefix === undefined) {
    try {
      const { api } = loadConfig({ env: process.env }).config;
      base ??= api.publicBaseUrl;
      prefix ??= api.resolverPathPrefix;
    } catch (error) {
      if (!isConfigError(error)) throw error;
      usage(error.shortMessage);
    }
  }
  if (base === undefined) usage("no public base URL: give --base-url or set SEALTRAIL_PUBLIC_BASE_URL");
  return `${base}${prefix ?? ""}`;
}

async function sourceOf(values: Values): Promise<LabelSource> {
  if (values.uris !== undefined) {
    if (values.gtin !== undefined) usage("give --uris or --gtin, not both");
    let text: string;
    try {
      text = await readFile(values.uris, "utf8");
    } catch (cause) {
      throw new CliError(CliErrorCode.ReadFailed, `cannot read ${values.uris}: ${(cause as Error).message}`);
    }
    const uris = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#"));
    return { kind: "uris", uris };
  }
  if (values.gtin === undefined) return usage("give --uris <file> or --gtin");
  const gtin = normaliseGtinOrUsage(values.gtin);
  const prefix = resolverPrefix(values);
  if (values.serials !== undefined) {
    const range = /^([0-9]{1,9})-([0-9]{1,9})$/.exec(values.serials);
    if (range === null) return usage("--serials is <from>-<to>, e.g. 1-100");
    const [from, to] = [Number(range[1]), Number(range[2])];
    if (to < from) usage("--serials: <to> is below <from>");
    return {
      kind: "range",
      prefix,
      gtin,
      from,
      to,
      serialPrefix: values["serial-prefix"] ?? "",
      width: integer(values["serial-width"], "serial-width", 0, 20),
      ...(values.lot === undefined ? {} : { lot: values.lot }),
    };
  }
  if (values.lot === undefined) return usage("with --gtin, give --serials or --lot");
  return {
    kind: "lot",
    prefix,
    gtin,
    lot: values.lot,
    copies: integer(values.copies, "copies", 1, MAX_LABELS),
  };
}

function normaliseGtinOrUsage(text: string): string {
  try {
    return normaliseGtin(text);
  } catch (cause) {
    if (!isGs1Error(cause)) throw cause;
    return usage(`--gtin ${text.slice(0, 20)} is not a GTIN: ${cause.shortMessage}`);
  }
}

/**
 * `sealtrail labels`: a printable sheet of QR labels for a list of Digital Links, a serial range or a lot.
 * @example await run(["--gtin", "09506000134352", "--serials", "1-30", "--base-url", "https://x.example", "--out", "sheet.html"], io)
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  let values: Values;
  let labels: ReturnType<typeof labelItems>;
  let ecl: "L" | "M" | "Q" | "H";
  try {
    try {
      ({ values } = parse(argv));
    } catch (cause) {
      throw new CliError(CliErrorCode.Usage, (cause as Error).message, { cause });
    }
    if (values.help) {
      io.stdout.write(LABELS_HELP);
      return ExitCode.Ok;
    }
    if (values.out === undefined) usage("missing --out <sheet.html>");
    const level = values.ecl ?? "M";
    if (level !== "L" && level !== "M" && level !== "Q" && level !== "H")
      return usage("--ecl is L, M, Q or H");
    ecl = level;
    labels = labelItems(await sourceOf(values));
  } catch (error) {
    if (!isCliError(error)) throw error;
    io.stderr.write(`sealtrail labels: ${error.shortMessage}\nrun 'sealtrail labels --help' for usage\n`);
    return ExitCode.Usage;
  }
  const out = resolve(values.out!);
  const html = await renderLabelSheet(labels, { ecl, title: `${labels.length} Sealtrail labels` });
  try {
    // "wx": an existing sheet (perhaps already sent to the printer) is kept unless --force says otherwise.
    await writeFile(out, html, { flag: values.force ? "w" : "wx" });
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    io.stderr.write(
      `sealtrail labels: cannot write ${out}: ${code === "EEXIST" ? "it exists (use --force to replace it)" : String(code ?? cause)}\n`,
    );
    return ExitCode.Failed;
  }
  io.stdout.write(`Wrote ${labels.length} label${labels.length === 1 ? "" : "s"} to ${out}\n`);
  return ExitCode.Ok;
}
