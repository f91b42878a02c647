import { lstat, mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { bytesToHex, toChecksumAddress } from "#protocol";
import { createDeviceKeyFile } from "#sim";
import { CliError, CliErrorCode, isCliError } from "../errors.ts";
import { type CliIo, ExitCode } from "../io.ts";

/** `--json` output format; versioned like every format Sealtrail prints for machines. */
export const KEYGEN_FORMAT = "sealtrail-keygen-v1";

export const KEYGEN_HELP = `usage: sealtrail keygen <key-file> [--json]

Generates a device key (secp256k1) and writes its private key to <key-file>: 0x-prefixed hex on one
line, mode 0600, the simulator's device.key format (a simulated device whose directory holds it as
device.key boots with it). An existing file is never overwritten. Prints the device's address and its
compressed public key, the one to register: POST /api/v1/devices {"publicKey": …, "label": …}.

options:
  --json       print {"format":"${KEYGEN_FORMAT}","address","publicKey","keyFile"} instead
  -h, --help   show this help

exit status: 0 written, 1 the file exists or cannot be written, 2 usage error
`;

/**
 * `sealtrail keygen <key-file>`: a new device key on disk, its address and public key on stdout.
 * @example await run(["data/keys/reefer-7.key"], { stdout: process.stdout, stderr: process.stderr })
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  let args: { file: string; json: boolean } | "help";
  try {
    args = parseKeygenArgs(argv);
  } catch (error) {
    if (!isCliError(error)) throw error;
    io.stderr.write(`sealtrail keygen: ${error.shortMessage}\nrun 'sealtrail keygen --help' for usage\n`);
    return ExitCode.Usage;
  }
  if (args === "help") {
    io.stdout.write(KEYGEN_HELP);
    return ExitCode.Ok;
  }
  const keyFile = resolve(args.file);
  let identity: Awaited<ReturnType<typeof createDeviceKeyFile>>["identity"];
  try {
    identity = await writeNewKey(keyFile);
  } catch (error) {
    if (!isCliError(error)) throw error;
    io.stderr.write(`sealtrail keygen: ${error.shortMessage}\n`);
    return ExitCode.Failed;
  }
  const publicKey = bytesToHex(identity.publicKey);
  if (args.json) {
    io.stdout.write(
      `${JSON.stringify({ format: KEYGEN_FORMAT, address: identity.address, publicKey, keyFile })}\n`,
    );
  } else {
    io.stdout.write(
      `Device key written to ${args.file} (mode 0600; it is the device's secret).\n` +
        `address     ${toChecksumAddress(identity.address)}\n` +
        `public key  ${publicKey}\n`,
    );
  }
  return ExitCode.Ok;
}

async function writeNewKey(keyFile: string) {
  // Checked before anything is written: a key file is never replaced (the device would lose its
  // identity), and a path that holds anything else (a typo) is left untouched.
  const exists = await lstat(keyFile).then(
    () => true,
    (error: NodeJS.ErrnoException) => (error.code === "ENOENT" ? false : Promise.reject(error)),
  );
  if (exists) {
    throw new CliError(CliErrorCode.FileExists, `${keyFile} already exists; a key file is never overwritten`);
  }
  try {
    await mkdir(dirname(keyFile), { recursive: true, mode: 0o700 });
    const { identity, created } = await createDeviceKeyFile(keyFile);
    // Another process created the file between the check and the link: it keeps its key.
    if (!created)
      throw new CliError(
        CliErrorCode.FileExists,
        `${keyFile} already exists; a key file is never overwritten`,
      );
    return identity;
  } catch (cause) {
    if (isCliError(cause)) throw cause;
    const code = (cause as { code?: unknown }).code;
    throw new CliError(
      CliErrorCode.WriteFailed,
      `cannot write ${keyFile}: ${typeof code === "string" ? code : String(cause)}`,
      { cause },
    );
  }
}

function parseKeygenArgs(argv: string[]): { file: string; json: boolean } | "help" {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (cause) {
    throw new CliError(CliErrorCode.Usage, (cause as Error).message ?? String(cause), { cause });
  }
  if (parsed.values.help) return "help";
  const [file, ...extra] = parsed.positionals;
  if (file === undefined || file === "")
    throw new CliError(CliErrorCode.Usage, "missing the key file to write");
  if (extra.length > 0)
    throw new CliError(CliErrorCode.Usage, `unexpected argument ${JSON.stringify(extra[0]?.slice(0, 40))}`);
  return { file, json: parsed.values.json ?? false };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
  });
}
