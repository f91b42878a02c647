import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { type EvidenceEndpoint, formatEvidenceReport, verifyEvidencePackage } from "#evidence";
import { nobleVerifier, type SignatureVerifier } from "#protocol";
import { CliError, CliErrorCode, isCliError } from "../errors.ts";
import { type CliIo, ExitCode } from "../io.ts";
import { connectRpc, DEFAULT_RPC_TIMEOUT_MS } from "../verify/connectRpc.ts";

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
  -h, --help           show this help

exit status: 0 valid, 1 not valid (invalid, not anchored yet, or could not be checked), 2 usage error
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
};

/**
 * `sealtrail audit`: fetches (or reads) an evidence package, verifies it with #evidence's verifier (the
 * product page's) over this CLI's RPC client, and prints the report.
 * @example await run(["/01/09506000134352/21/A1", "--api", "http://127.0.0.1:3000", "--rpc", "http://127.0.0.1:8545"], process)
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  let args: AuditArgs | "help";
  let text: string;
  try {
    args = parseAuditArgs(argv);
    if (args === "help") {
      io.stdout.write(AUDIT_HELP);
      return ExitCode.Ok;
    }
    text = await loadPackage(args);
    if (args.save !== undefined) await savePackage(args.save, text);
  } catch (error) {
    if (!isCliError(error)) throw error;
    io.stderr.write(`sealtrail audit: ${error.shortMessage}\n`);
    if (error.code === CliErrorCode.Usage) io.stderr.write("run 'sealtrail audit --help' for usage\n");
    return error.code === CliErrorCode.Usage || error.code === CliErrorCode.ReadFailed
      ? ExitCode.Usage
      : ExitCode.Failed;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined; // the verifier reports it as "not a package"
  }
  const { rpcUrls, rpcTimeoutMs } = args;
  const endpoints: EvidenceEndpoint[] = rpcUrls.map((url) => ({
    label: url,
    open: () =>
      connectRpc(url, { timeoutMs: rpcTimeoutMs, onWaiting: (line) => io.stderr.write(`${line}\n`) }),
  }));
  const progress = progressLine(io);
  const { report } = await verifyEvidencePackage(value, {
    verifier: await fastestVerifier(),
    endpoints,
    onProgress: progress.update,
  });
  progress.end();
  io.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : formatEvidenceReport(report));
  return report.status === "valid" ? ExitCode.Ok : ExitCode.Failed;
}

/** libsecp256k1 through the native addon when it loads (several times noble's speed), else noble. */
async function fastestVerifier(): Promise<SignatureVerifier> {
  try {
    const { nativeVerifier, nativeBackend } = await import("#protocol/native");
    nativeBackend(); // throws when neither addon loads
    return nativeVerifier;
  } catch {
    return nobleVerifier;
  }
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

async function loadPackage(args: AuditArgs): Promise<string> {
  // A file that exists wins over a path-like target: "/tmp/pkg.json" is a file, "/01/…" a Digital Link.
  if (args.target === "-" || existsSync(args.target)) return readPackageFile(args.target);
  const path = evidencePathOf(args.target, { from: args.from, to: args.to });
  if (path === null) return readPackageFile(args.target);
  if (args.api === undefined)
    throw new CliError(CliErrorCode.Usage, `--api is needed to fetch ${args.target}`);
  const url = new URL(path, args.api.endsWith("/") ? args.api : `${args.api}/`).toString();
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

async function savePackage(file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text, { flag: "wx" });
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
  return {
    target,
    api: values.api,
    from: values.from,
    to: values.to,
    rpcUrls,
    rpcTimeoutMs: Math.round(seconds * 1000),
    save: values.save,
    json: values.json ?? false,
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
      help: { type: "boolean", short: "h" },
    },
  });
}
