import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { CliError, CliErrorCode } from "./errors.ts";
import { type CliIo, type CommandRun, ExitCode } from "./io.ts";

/**
 * The subcommands: module (relative to this file, loaded only when the command runs) and a summary.
 * Specifiers are plain strings so a command's dependencies (the gateway, Hardhat) load only for it.
 */
export const COMMANDS: Readonly<Record<string, { module: string; summary: string }>> = {
  api: {
    module: "./commands/api.ts",
    summary: "run the HTTP API, EPCIS interface and product page as a service (until SIGTERM)",
  },
  config: {
    module: "./commands/config.ts",
    summary: "print the effective configuration (secrets redacted) or say which key is invalid",
  },
  demo: {
    module: "./commands/demo.ts",
    summary: "run the whole system locally: chain, gateway, API, simulated fleet",
  },
  deploy: {
    module: "./commands/deploy.ts",
    summary: "deploy the anchor and device registry contracts to a chain (key from SEALTRAIL_DEPLOYER_KEY)",
  },
  gateway: {
    module: "./commands/gateway.ts",
    summary: "run the gateway as a service: broker, ingest, store, batcher, anchorer (until SIGTERM)",
  },
  keygen: {
    module: "./commands/keygen.ts",
    summary: "generate a device key file (mode 0600) and print its address and public key",
  },
  sim: {
    module: "./commands/sim.ts",
    summary: "run a simulated device fleet from a scenario file against a gateway",
  },
  verify: { module: "./commands/verify.ts", summary: "verify a proof bundle offline and on chain" },
  labels: {
    module: "./commands/labels.ts",
    summary: "write a printable sheet of GS1 Digital Link QR labels for a list, a serial range or a lot",
  },
  audit: {
    module: "./commands/audit.ts",
    summary: "verify an evidence package (item, lot, SSCC, device window or file) offline and on chain",
  },
  device: {
    module: "./commands/device.ts",
    summary: "a device's MQTT login (address, text token) from its key file",
  },
  backup: {
    module: "./commands/backup.ts",
    summary: "copy the SQLite store while the gateway runs (online backup API, integrity-checked)",
  },
  restore: {
    module: "./commands/restore.ts",
    summary: "put a backup in place as the store (checked first; never over a running store)",
  },
};

export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const list = Object.entries(COMMANDS)
    .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
    .join("\n");
  return `usage: sealtrail <command> [options]

commands:
${list}

Run 'sealtrail <command> --help' for a command's options.
`;
}

/**
 * Runs `sealtrail <command> …` and returns the exit code: the command's, or 2 for a usage error.
 * @example process.exitCode = await main(process.argv.slice(2), process)
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  // Options before the command are main's own (only --help); everything after belongs to the command.
  const at = argv.findIndex((arg) => !arg.startsWith("-"));
  let help: boolean;
  try {
    const own = parseArgs({
      args: at === -1 ? argv : argv.slice(0, at),
      options: { help: { type: "boolean", short: "h" } },
      strict: true,
    });
    help = own.values.help ?? false;
  } catch (error) {
    io.stderr.write(`sealtrail: ${error instanceof Error ? error.message : String(error)}\n\n${mainHelp()}`);
    return ExitCode.Usage;
  }
  if (at === -1) {
    (help ? io.stdout : io.stderr).write(mainHelp());
    return help ? ExitCode.Ok : ExitCode.Usage;
  }
  const name = argv[at]!;
  const rest = help ? ["--help"] : argv.slice(at + 1);
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    io.stderr.write(`sealtrail: unknown command ${JSON.stringify(name.slice(0, 40))}\n\n${mainHelp()}`);
    return ExitCode.Usage;
  }
  try {
    const run = await loadCommand(name, command.module);
    return await run(rest, io);
  } catch (error) {
    // A bug or an unexpected failure: one readable line; the stack only on request.
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`sealtrail ${name}: ${message}\n`);
    if (process.env.SEALTRAIL_DEBUG && error instanceof Error && error.stack)
      io.stderr.write(`${error.stack}\n`);
    return ExitCode.Failed;
  }
}

async function loadCommand(name: string, specifier: string): Promise<CommandRun> {
  const module = (await import(specifier)) as { run?: unknown };
  if (typeof module.run !== "function") {
    throw new CliError(CliErrorCode.BadCommandModule, `command ${name} (${specifier}) exports no run()`);
  }
  return module.run as CommandRun;
}

/** True when this file is the process's entry point (`tsx cli/main.ts …`), not imported. */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
}
