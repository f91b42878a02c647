import { existsSync, writeFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { formatEvidenceReport } from "#evidence";
import { savedPackageOf } from "../audit/auditState.ts";
import { fastestVerifier } from "../audit/fastestVerifier.ts";
import { type AuditReportFormat, formatAuditReport, reportFormatOf } from "../audit/formatAuditReport.ts";
import { DEFAULT_SLICE_READINGS, packageHash, runAudit } from "../audit/runAudit.ts";
import { sharedRpcEndpoint } from "../audit/sharedRpcEndpoint.ts";
import { CliError, CliErrorCode, isCliError } from "../errors.ts";
import { type CliIo, ExitCode } from "../io.ts";
import { DEFAULT_RPC_TIMEOUT_MS } from "../verify/connectRpc.ts";

/** A 30-day, one-a-minute journey is ~10 MB; a device window of 60,000 readings ~15 MB. */
const MAX_PACKAGE_BYTES = 256 * 1024 * 1024;

export const AUDIT_HELP = `usage: sealtrail audit <target> --rpc <url> [--rpc <url>]… [options]

Verifies a sealtrail-evidence-v1 package: every reading's and event's ES256K signature, one Merkle
multiproof per batch, each batch's anchor on every --rpc endpoint (they must agree), and completeness
and the cold-chain verdict recomputed from the verified readings. Everything but the anchor reads runs
offline.

target (one of):
  <file.json>                  an evidence package saved earlier (or - for stdin)
  <Digital Link URI or path>   an item (/01/{gtin}/21/{serial}), a lot (/01/{gtin}/10/{lot}), a pallet (/00/{sscc})
  <sscc>                       18 digits: a logistic unit
  <device address>             0x + 40 hex digits, with --from and --to

options:
  --api <url>          the Sealtrail API to fetch the package from (not needed for a file)
  --from <time>        start of a device window: ISO 8601 with zone, or ms since the epoch
  --to <time>          end of a device window, inclusive
  --rpc <url>          JSON-RPC endpoint of the anchors' chain; repeat: every endpoint must agree
  --rpc-timeout <s>    longest wait for any one RPC answer, in seconds (default ${DEFAULT_RPC_TIMEOUT_MS / 1000})
  --save <file>        keep the package as fetched (the evidence), never overwriting a file
  --json               print the machine-readable report (format sealtrail-evidence-report-v1)
  --report <file>      also write the report to a file: .md (Markdown) or .html (one self-contained page)
                       for a person, .json (format sealtrail-audit-report-v1) for a program; repeat for
                       several; with only a human one, the JSON one is written beside it (same name, .json).
                       Every failure is listed with its reason.
  --resume <state>     keep progress in this file and go on from it: a device window is verified in parts
                       (--part-readings each) and an interrupted audit (Ctrl-C, a crash) resumes at the first
                       part not done. The state names the package by its SHA-256: a changed package starts
                       the audit over. A fetched package is kept as <state>.package.json (or --save's file)
                       and read back from there by the next run.
  --part-readings <n>  readings per part of a device window (default ${DEFAULT_SLICE_READINGS})
  --threads <n>        parts of a device window verified at once, each on its own thread (default 1; used
                       from 4 parts up). On the 2 shared cores measured, 2 threads cost ~20 % more CPU and
                       were faster only while other work crowded the machine (docs/benchmarks.md)
  -h, --help           show this help

exit status: 0 valid, 1 not valid (invalid, not anchored yet, or could not be checked) or interrupted,
2 usage error or an unreadable target
`;

type AuditArgs = {
  target: string;
  api: string | undefined;
  from: string | undefined;
  to: string | undefined;
  rpcUrls: string[];
  rpcTimeoutMs: number;
  save: string | undefined;
  json: boolean;
  reports: string[];
  resume: string | undefined;
  sliceReadings: number;
  threads: number;
};

/**
 * `sealtrail audit`: fetches (or reads) an evidence package, verifies it with #evidence's verifier (the
 * product page's) over this CLI's RPC client, in parts when it is a large device window (cli/audit/), and
 * prints the report; `--report` writes it to files (JSON and Markdown or HTML), `--resume` keeps progress
 * in a state file so an interrupted audit goes on where it stopped.
 * @example await run(["/01/09506000134352/21/A1", "--api", "http://127.0.0.1:3000", "--rpc", "http://127.0.0.1:8545"], process)
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  let args: AuditArgs | "help";
  let text: string;
  let packageFile: string | null;
  try {
    args = parseAuditArgs(argv);
    if (args === "help") {
      io.stdout.write(AUDIT_HELP);
      return ExitCode.Ok;
    }
    ({ text, packageFile } = await obtainPackage(args, io));
  } catch (error) {
    if (!isCliError(error)) throw error;
    io.stderr.write(`sealtrail audit: ${error.shortMessage}\n`);
    if (error.code === CliErrorCode.Usage) io.stderr.write("run 'sealtrail audit --help' for usage\n");
    return error.code === CliErrorCode.Usage || error.code === CliErrorCode.ReadFailed
      ? ExitCode.Usage
      : ExitCode.Failed;
  }
  const { rpcUrls, rpcTimeoutMs } = args;
  const onWaiting = (line: string) => io.stderr.write(`${line}\n`);
  const endpoints = rpcUrls.map((url) => sharedRpcEndpoint(url, { timeoutMs: rpcTimeoutMs, onWaiting }));
  const progress = progressLine(io);
  // Ctrl-C between two parts leaves a state that --resume goes on from; a second Ctrl-C kills at once.
  const stop = new AbortController();
  const onSigint = () => {
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
    io.stderr.write("\nsealtrail audit: stopping after this part (Ctrl-C again to stop now)\n");
  };
  process.on("SIGINT", onSigint);
  let result: Awaited<ReturnType<typeof runAudit>>;
  try {
    result = await runAudit({
      text,
      target: args.target,
      packageFile,
      verify: { verifier: await fastestVerifier(), endpoints, onProgress: progress.update },
      sliceReadings: args.sliceReadings,
      threads: { count: args.threads, rpcUrls, rpcTimeoutMs },
      ...(args.resume === undefined ? {} : { stateFile: args.resume }),
      signal: stop.signal,
      log: (line) => {
        progress.end();
        io.stderr.write(`${line}\n`);
      },
    });
  } catch (error) {
    if (!isCliError(error)) throw error;
    io.stderr.write(`sealtrail audit: ${error.shortMessage}\n`);
    return ExitCode.Failed;
  } finally {
    for (const e of endpoints) e.closeAll();
    process.off("SIGINT", onSigint);
    progress.end();
  }
  if (result === "interrupted") {
    io.stderr.write(
      args.resume === undefined
        ? "sealtrail audit: interrupted\n"
        : `sealtrail audit: interrupted; run the same command again to go on from ${args.resume}\n`,
    );
    return ExitCode.Failed;
  }
  const { report } = result;
  io.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatEvidenceReport(report));
  try {
    for (const [file, format] of reportFiles(args.reports)) {
      writeFileSync(file, formatAuditReport(result, format));
      io.stderr.write(`report written: ${file}\n`);
    }
  } catch (cause) {
    io.stderr.write(`sealtrail audit: cannot write the report: ${String(cause)}\n`);
    return ExitCode.Failed;
  }
  return report.status === "valid" ? ExitCode.Ok : ExitCode.Failed;
}

/** Each --report file with its format; the JSON report goes beside the first human one when none is asked. */
function reportFiles(reports: readonly string[]): [string, AuditReportFormat][] {
  const out = reports.map((f): [string, AuditReportFormat] => [f, reportFormatOf(f)!]);
  const human = out.find(([, f]) => f !== "json");
  if (human && !out.some(([, f]) => f === "json"))
    out.push([human[0].replace(/\.[a-z]+$/i, ".json"), "json"]);
  return out;
}

/** A progress line on stderr when it is a terminal (a report piped to a file stays clean). */
function progressLine(io: CliIo): {
  update: (p: { phase: string; done: number; total: number }) => void;
  end: () => void;
} {
  const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
  if (!tty) return { update: () => {}, end: () => {} };
  return {
    update: (p) => {
      const width = 30;
      const filled = p.total === 0 ? width : Math.round((p.done / p.total) * width);
      io.stderr.write(
        `\r${p.phase.padEnd(10)} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${p.done}/${p.total}   `,
      );
    },
    end: () => io.stderr.write("\r\x1b[K"),
  };
}

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;
const SSCC_RE = /^\d{18}$/;

/** The API path of the package a target names, or null when the target is a file. */
export function evidencePathOf(
  target: string,
  window: { from?: string | undefined; to?: string | undefined },
): string | null {
  if (ADDRESS_RE.test(target)) {
    if (window.from === undefined || window.to === undefined)
      throw new CliError(CliErrorCode.Usage, "a device target needs --from and --to");
    const q = new URLSearchParams({ from: window.from, to: window.to });
    return `/api/v1/evidence/devices/${target.toLowerCase()}?${q}`;
  }
  if (SSCC_RE.test(target)) return `/api/v1/evidence/00/${target}`;
  let path: string | null = null;
  if (/^https?:\/\//.test(target) && URL.canParse(target)) path = new URL(target).pathname;
  else if (target.startsWith("/")) path = target;
  if (path === null) return null;
  // A Digital Link may sit under a domain prefix (…/products/01/…): the key starts at /01/ or /00/.
  const at = path.search(/\/(01|00)\//);
  if (at < 0) throw new CliError(CliErrorCode.Usage, `${target} names no GTIN (/01/) or SSCC (/00/)`);
  return `/api/v1/evidence${path.slice(at)}`;
}

/**
 * The package's text, and the file that holds it when there is one. With --resume, a package fetched
 * earlier and kept beside the state is read back instead of fetched again (a new fetch is a new package:
 * another `generatedAt`, so another hash, and the state would be thrown away); a fetched package is kept
 * there (or in --save's file) for the next run.
 */
async function obtainPackage(
  args: AuditArgs,
  io: CliIo,
): Promise<{ text: string; packageFile: string | null }> {
  // A file that exists wins over a path-like target: "/tmp/pkg.json" is a file, "/01/…" a Digital Link.
  if (args.target === "-" || existsSync(args.target))
    return {
      text: await readPackageFile(args.target),
      packageFile: args.target === "-" ? null : args.target,
    };
  const path = evidencePathOf(args.target, { from: args.from, to: args.to });
  if (path === null) return { text: await readPackageFile(args.target), packageFile: args.target };
  if (args.api === undefined)
    throw new CliError(CliErrorCode.Usage, `--api is needed to fetch ${args.target}`);
  if (args.resume !== undefined) {
    const saved = savedPackageOf(args.resume);
    if (saved && existsSync(saved.file)) {
      const text = await readPackageFile(saved.file);
      if (packageHash(text) === saved.sha256) {
        io.stderr.write(`using the package fetched earlier: ${saved.file}\n`);
        return { text, packageFile: saved.file };
      }
    }
  }
  const text = await fetchPackage(args.api, path);
  const keep = args.save ?? (args.resume === undefined ? undefined : `${args.resume}.package.json`);
  if (keep === undefined) return { text, packageFile: null };
  // --save never overwrites; the copy beside a state file is ours to replace.
  await savePackage(keep, text, args.save === undefined);
  return { text, packageFile: keep };
}

async function fetchPackage(api: string, path: string): Promise<string> {
  const url = new URL(path, api.endsWith("/") ? api : `${api}/`).toString();
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  } catch (cause) {
    throw new CliError(
      CliErrorCode.ReadFailed,
      `cannot fetch ${url}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  const body = await res.text();
  if (res.status !== 200) {
    const reason = /"message":"([^"]*)"/.exec(body)?.[1] ?? body.slice(0, 200);
    throw new CliError(CliErrorCode.ReadFailed, `${url} answered ${res.status}: ${reason}`);
  }
  return body;
}

async function readPackageFile(file: string): Promise<string> {
  try {
    const bytes = file === "-" ? await readStdin() : await readFile(file);
    if (bytes.length > MAX_PACKAGE_BYTES) throw new Error(`${bytes.length} bytes, too large`);
    return bytes.toString("utf8");
  } catch (cause) {
    const reason =
      (cause as { code?: unknown }).code ?? (cause instanceof Error ? cause.message : String(cause));
    throw new CliError(CliErrorCode.ReadFailed, `cannot read ${file}: ${String(reason)}`, { cause });
  }
}

async function savePackage(file: string, text: string, replace = false): Promise<void> {
  try {
    await writeFile(file, text, { flag: replace ? "w" : "wx" });
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    throw new CliError(
      code === "EEXIST" ? CliErrorCode.FileExists : CliErrorCode.WriteFailed,
      `cannot save ${file}: ${String(code ?? cause)}`,
      { cause },
    );
  }
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

function parseAuditArgs(argv: string[]): AuditArgs | "help" {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (cause) {
    throw new CliError(CliErrorCode.Usage, cause instanceof Error ? cause.message : String(cause), { cause });
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  const [target, ...extra] = positionals;
  if (target === undefined)
    throw new CliError(CliErrorCode.Usage, "missing the target (package file, Digital Link, SSCC or device)");
  if (extra.length > 0)
    throw new CliError(CliErrorCode.Usage, `unexpected argument ${JSON.stringify(extra[0])}`);
  const rpcUrls = values.rpc ?? [];
  for (const url of [...rpcUrls, ...(values.api ? [values.api] : [])]) {
    if (!URL.canParse(url) || !["http:", "https:"].includes(new URL(url).protocol))
      throw new CliError(
        CliErrorCode.Usage,
        `--rpc and --api must be http(s) URLs, not ${JSON.stringify(url.slice(0, 100))}`,
      );
  }
  const timeout = values["rpc-timeout"];
  const seconds = timeout === undefined ? DEFAULT_RPC_TIMEOUT_MS / 1000 : Number(timeout);
  if (!(seconds > 0) || seconds > 600)
    throw new CliError(
      CliErrorCode.Usage,
      "--rpc-timeout must be a number of seconds above 0 and at most 600",
    );
  const reports = values.report ?? [];
  for (const file of reports)
    if (reportFormatOf(file) === null)
      throw new CliError(
        CliErrorCode.Usage,
        `--report ${JSON.stringify(file)}: the name must end in .json, .md or .html (it picks the format)`,
      );
  const sliceReadings = Number(values["part-readings"] ?? DEFAULT_SLICE_READINGS);
  if (!Number.isSafeInteger(sliceReadings) || sliceReadings < 10)
    throw new CliError(CliErrorCode.Usage, "--part-readings must be a whole number of at least 10");
  const threads = Number(values.threads ?? 1);
  if (!Number.isSafeInteger(threads) || threads < 1 || threads > 64)
    throw new CliError(CliErrorCode.Usage, "--threads must be a whole number from 1 to 64");
  return {
    target,
    api: values.api,
    from: values.from,
    to: values.to,
    rpcUrls,
    rpcTimeoutMs: Math.round(seconds * 1000),
    save: values.save,
    json: values.json ?? false,
    reports,
    resume: values.resume,
    sliceReadings,
    threads,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      api: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      rpc: { type: "string", multiple: true },
      "rpc-timeout": { type: "string" },
      save: { type: "string" },
      json: { type: "boolean" },
      report: { type: "string", multiple: true },
      resume: { type: "string" },
      "part-readings": { type: "string" },
      threads: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}
