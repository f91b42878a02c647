import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { CliError, CliErrorCode, isCliError } from "../errors.ts";
import { type CliIo, ExitCode } from "../io.ts";
import { DEFAULT_RPC_TIMEOUT_MS } from "../verify/connectRpc.ts";
import { formatReport, formatReportJson } from "../verify/formatReport.ts";
import type { MinStatus } from "../verify/types.ts";
import { verifyBundle } from "../verify/verifyBundle.ts";

/** Bundles are at most ~140 kB (64 kB message as hex + 64-level proof); refuse anything absurd. */
const MAX_BUNDLE_BYTES = 1024 * 1024;

/** Longest --rpc-timeout accepted, seconds. */
const MAX_RPC_TIMEOUT_S = 600;

export const VERIFY_HELP = `usage: sealtrail verify <bundle.json | -> --rpc <url> [--rpc <url>]… [--rpc-timeout <s>] [--min-status included|final] [--json]

Verifies a sealtrail-proof-v1 proof bundle with nothing but the bundle and a JSON-RPC endpoint:
the message and its ES256K signature, that messageId, device, publicKey and reading say what the
signed bytes say, the Merkle path to the batch root, and for every anchor that claims to be included
or final: the anchoring transaction, its RootAnchored event, block number and timestamp, and the
contract's anchoredAt(root). The report shows the reading as signed (seq, time, measurements).

options:
  --rpc <url>          JSON-RPC endpoint (http/https) of an anchor's chain; repeat for several chains
  --rpc-timeout <s>    longest wait for any one RPC answer, in seconds (default ${DEFAULT_RPC_TIMEOUT_MS / 1000})
  --min-status <s>     lowest anchor status accepted as proof: included (default) or final
  --json               print a machine-readable report (format sealtrail-verify-report-v1)
  -h, --help           show this help

exit status: 0 valid, 1 not valid (invalid, not anchored yet, or could not be checked), 2 usage error
`;

type VerifyArgs = {
  file: string;
  rpcUrls: string[];
  rpcTimeoutMs: number;
  minStatus: MinStatus;
  json: boolean;
};

/**
 * `sealtrail verify`: checks a proof bundle offline and on chain and prints a report.
 * @example await run(["bundle.json", "--rpc", "http://127.0.0.1:8545"], { stdout: process.stdout, stderr: process.stderr })
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  let args: VerifyArgs | "help";
  let text: string;
  try {
    args = parseVerifyArgs(argv);
    if (args === "help") {
      io.stdout.write(VERIFY_HELP);
      return ExitCode.Ok;
    }
    text = await readBundle(args.file);
  } catch (error) {
    if (!isCliError(error)) throw error;
    io.stderr.write(`sealtrail verify: ${error.shortMessage}\n`);
    if (error.code === CliErrorCode.Usage) io.stderr.write("run 'sealtrail verify --help' for usage\n");
    return ExitCode.Usage;
  }
  const report = await verifyBundle(text, {
    source: args.file,
    rpcUrls: args.rpcUrls,
    rpcTimeoutMs: args.rpcTimeoutMs,
    minStatus: args.minStatus,
    onWaiting: (line) => io.stderr.write(`${line}\n`),
  });
  io.stdout.write(args.json ? formatReportJson(report) : formatReport(report));
  return report.valid ? ExitCode.Ok : ExitCode.Failed;
}

function parseVerifyArgs(argv: string[]): VerifyArgs | "help" {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (cause) {
    throw new CliError(CliErrorCode.Usage, cause instanceof Error ? cause.message : String(cause), { cause });
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  const [file, ...extra] = positionals;
  if (file === undefined) throw new CliError(CliErrorCode.Usage, "missing the bundle file (or - for stdin)");
  if (extra.length > 0)
    throw new CliError(CliErrorCode.Usage, `unexpected argument ${JSON.stringify(extra[0])}`);
  const minStatus = values["min-status"] ?? "included";
  if (minStatus !== "included" && minStatus !== "final") {
    throw new CliError(
      CliErrorCode.Usage,
      `--min-status must be included or final, not ${JSON.stringify(minStatus)}`,
    );
  }
  const rpcUrls = values.rpc ?? [];
  for (const url of rpcUrls) {
    if (!URL.canParse(url) || !["http:", "https:"].includes(new URL(url).protocol)) {
      throw new CliError(
        CliErrorCode.Usage,
        `--rpc must be an http(s) URL, not ${JSON.stringify(url.slice(0, 100))}`,
      );
    }
  }
  const rpcTimeoutMs = parseRpcTimeout(values["rpc-timeout"]);
  return { file, rpcUrls, rpcTimeoutMs, minStatus, json: values.json ?? false };
}

function parseRpcTimeout(value: string | undefined): number {
  if (value === undefined) return DEFAULT_RPC_TIMEOUT_MS;
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(seconds > 0) || seconds > MAX_RPC_TIMEOUT_S) {
    throw new CliError(
      CliErrorCode.Usage,
      `--rpc-timeout must be a number of seconds above 0 and at most ${MAX_RPC_TIMEOUT_S}, not ${JSON.stringify(value.slice(0, 40))}`,
    );
  }
  return Math.round(seconds * 1000);
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      rpc: { type: "string", multiple: true },
      "rpc-timeout": { type: "string" },
      "min-status": { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

async function readBundle(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = file === "-" ? await readStdin() : await readFile(file);
  } catch (cause) {
    if (isCliError(cause)) throw cause;
    const reason =
      (cause as { code?: unknown }).code ?? (cause instanceof Error ? cause.message : String(cause));
    throw new CliError(CliErrorCode.ReadFailed, `cannot read ${file}: ${String(reason)}`, { cause });
  }
  if (bytes.length > MAX_BUNDLE_BYTES) {
    throw new CliError(
      CliErrorCode.ReadFailed,
      `${file} is ${bytes.length} bytes, too large to be a proof bundle`,
    );
  }
  return bytes.toString("utf8");
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BUNDLE_BYTES)
      throw new CliError(CliErrorCode.ReadFailed, "stdin is too large to be a proof bundle");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
