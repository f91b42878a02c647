import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import {
  connectTokenText,
  type DeviceIdentity,
  deviceIdentityFromPrivateKey,
  hexToBytes,
  isProtocolError,
  signConnectToken,
} from "#protocol";
import { CliError, CliErrorCode, isCliError } from "../errors.ts";
import { type CliIo, ExitCode } from "../io.ts";

export const DEVICE_HELP = `usage: sealtrail device token --key <keyfile> [--iat <unix seconds>]
       sealtrail device address --key <keyfile>

What a device needs to log in with a standard MQTT client (docs/protocol.md §9), from its key file
(one line: the 32-byte private key as 0x + 64 hex digits, as the simulator writes device.key).

  token     prints a fresh CONNECT token in its text form (base64url, no padding), the MQTT password:
              mosquitto_pub -V mqttv311 -i <address> -u <address> -P "$(sealtrail device token --key k)" …
            A token is accepted once: make a new one for every connection.
  address   prints the device address (lowercase), the MQTT client id and user name

options:
  --key <file>    the device's key file (required)
  --iat <s>       the token's iat, Unix seconds (default: now). Tokens of one device need increasing iat
  -h, --help      show this help

exit status: 0 printed, 2 usage error or unreadable key file
`;

type DeviceArgs = { action: "token" | "address"; keyFile: string; iat: number | undefined };

/**
 * `sealtrail device`: a device's MQTT login from its key file.
 * @example await run(["token", "--key", "device.key"], { stdout: process.stdout, stderr: process.stderr })
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  let args: DeviceArgs | "help";
  let identity: DeviceIdentity;
  try {
    args = parseDeviceArgs(argv);
    if (args === "help") {
      io.stdout.write(DEVICE_HELP);
      return ExitCode.Ok;
    }
    identity = await readKeyFile(args.keyFile);
  } catch (error) {
    if (!isCliError(error)) throw error;
    io.stderr.write(`sealtrail device: ${error.shortMessage}\n`);
    if (error.code === CliErrorCode.Usage) io.stderr.write("run 'sealtrail device --help' for usage\n");
    return ExitCode.Usage;
  }
  if (args.action === "address") io.stdout.write(`${identity.address}\n`);
  else {
    const iat = args.iat ?? Math.floor(Date.now() / 1000);
    io.stdout.write(`${connectTokenText(signConnectToken(identity, iat))}\n`);
  }
  return ExitCode.Ok;
}

function parseDeviceArgs(argv: string[]): DeviceArgs | "help" {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new CliError(CliErrorCode.Usage, error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  const [action, ...extra] = positionals;
  if (action !== "token" && action !== "address")
    throw new CliError(CliErrorCode.Usage, "expected a subcommand: token or address");
  if (extra.length > 0)
    throw new CliError(CliErrorCode.Usage, `unexpected argument ${extra[0]!.slice(0, 40)}`);
  if (!values.key) throw new CliError(CliErrorCode.Usage, "--key <keyfile> is required");
  let iat: number | undefined;
  if (values.iat !== undefined) {
    if (action !== "token") throw new CliError(CliErrorCode.Usage, "--iat applies to token only");
    iat = Number(values.iat);
    // A CBOR unsigned integer of at most 32 bits: what a token's iat is until 2106 (§4).
    if (!/^\d{1,10}$/.test(values.iat) || iat > 0xffffffff)
      throw new CliError(CliErrorCode.Usage, "--iat must be Unix seconds (an integer)");
  }
  return { action, keyFile: values.key, iat };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      key: { type: "string" },
      iat: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
}

async function readKeyFile(path: string): Promise<DeviceIdentity> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new CliError(CliErrorCode.ReadFailed, `cannot read ${path}: ${(cause as Error).message}`, {
      cause,
    });
  }
  try {
    return deviceIdentityFromPrivateKey(hexToBytes(text.trim(), 32));
  } catch (cause) {
    if (!isProtocolError(cause)) throw cause;
    throw new CliError(
      CliErrorCode.ReadFailed,
      `${path} does not hold a 32-byte private key as 0x + 64 hex`,
      {
        cause,
      },
    );
  }
}
