import { resolve } from "node:path";
import { parseArgs } from "node:util";
import pino, { type Logger } from "pino";
import type { SealtrailConfig } from "#config";
import { demoConfigFromEnv } from "../demo/demoConfig.ts";
import { type DemoFleet, startDemoFleet } from "../demo/startDemoFleet.ts";
import { type Stack, startStack } from "../demo/startStack.ts";
import { type CliIo, ExitCode } from "../io.ts";

const HELP = `usage: sealtrail demo [--config <file>]

Starts the whole system on this machine: a local OP-stack L2 (hardhat node --chain-type op) with the
contracts deployed, the gateway (embedded MQTT broker, SQLite store, batcher, anchorer), the API, and a
simulated cold-chain fleet. Ctrl-C (or SIGTERM) stops everything it started, prints "Stopped." and exits 0,
also during the start. Configuration comes from SEALTRAIL_* environment variables over an optional JSON or
YAML file (--config, or SEALTRAIL_CONFIG); every key is listed in docs/configuration.md, and
'sealtrail config --demo' prints what the demo would use.
`;

/**
 * `sealtrail demo`: runs until SIGINT or SIGTERM, then stops every process it started and exits 0.
 * A terminal's Ctrl-C signals the whole process group: the Hardhat node gets the SIGINT too and exits by
 * itself; a SIGTERM to this process alone (a service manager, `kill`) stops the node through stack.stop().
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  let file: string | undefined;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { help: { type: "boolean", short: "h" }, config: { type: "string" } },
      strict: true,
    });
    if (values.help) {
      io.stdout.write(HELP);
      return ExitCode.Ok;
    }
    file = values.config;
  } catch (error) {
    io.stderr.write(`sealtrail demo: ${(error as Error).message}\n\n${HELP}`);
    return ExitCode.Usage;
  }
  // Validated before anything starts: a bad value stops here, naming the key and its variable.
  const { config } = demoConfigFromEnv(process.env, file);
  const logger = pino({ level: config.common.logLevel, base: null });
  // Listening from the first moment: a signal during the start (building contracts, starting the node)
  // stops what was started so far, instead of Node's default of dying on the spot without a word.
  // Repeated signals (Ctrl-C pressed twice) do not cut the stop short.
  const stop = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (stop.signal.aborted) return;
    io.stdout.write(`${name}: stopping …\n`);
    stop.abort(new Error(`stopped by ${name}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await runDemo(config, logger, io, stop.signal);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

async function runDemo(
  config: SealtrailConfig,
  logger: Logger,
  io: CliIo,
  signal: AbortSignal,
): Promise<number> {
  io.stdout.write(`Starting Sealtrail (data dir ${resolve(config.common.dataDir)}) …\n`);
  let stack: Stack;
  let fleet: DemoFleet | undefined;
  try {
    stack = await startStack({ config, logger, signal });
  } catch (error) {
    // Stopped while starting: startStack has stopped what it started. Whatever failed meanwhile (the
    // Hardhat node, signalled with us, exits before its RPC answers) is the stop, not a failure.
    if (!signal.aborted) throw error;
    io.stdout.write("Stopped.\n");
    return ExitCode.Ok;
  }
  try {
    if (config.sim.enabled === "on" && !signal.aborted) fleet = await startDemoFleet(stack, config, logger);
  } catch (error) {
    await stack.stop();
    if (!signal.aborted) throw error;
    io.stdout.write("Stopped.\n");
    return ExitCode.Ok;
  }
  if (!signal.aborted) io.stdout.write(banner(stack, fleet));
  if (!signal.aborted)
    await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
  await fleet?.stop();
  await stack.stop();
  io.stdout.write("Stopped.\n");
  return ExitCode.Ok;
}

function banner(stack: Stack, fleet: DemoFleet | undefined): string {
  return `${[
    "",
    "Sealtrail is running:",
    `  API          ${stack.apiUrl}/api/v1/status`,
    `  MQTT         ${stack.mqttUrl}`,
    `  L2 RPC       ${stack.rpcUrl} (chain ${stack.chainId}, OP-stack simulation)`,
    `  Anchor       ${stack.anchorContract}`,
    `  Devices      ${stack.deviceRegistryContract} (on-chain registry)`,
    stack.adminTokenCreated
      ? `  Admin token  ${stack.adminToken}  (generated now; kept in ${stack.adminTokenFile})`
      : `  Admin token  in ${stack.adminTokenFile}${process.env.SEALTRAIL_ADMIN_TOKEN ? " (or SEALTRAIL_ADMIN_TOKEN)" : ""}`,
    fleet ? `  Fleet        ${fleet.description}` : "  Fleet        off (SEALTRAIL_SIM=off)",
    ...(fleet?.provenance
      ? [
          `  Compliant    ${fleet.provenance.compliantUrl}`,
          `  Excursion    ${fleet.provenance.excursionUrl}`,
          "               (product pages, as their QR codes open them: verified in your browser against the L2)",
        ]
      : []),
    "",
    "Try:",
    `  curl ${stack.apiUrl}/api/v1/status`,
    ...(fleet?.provenance
      ? [
          `  curl ${fleet.provenance.excursionUrl.replace(stack.apiUrl, `${stack.apiUrl}/api/v1/provenance`)}   # as JSON`,
        ]
      : []),
    `  curl ${stack.apiUrl}/api/v1/devices                              # registered devices`,
    `  curl ${stack.apiUrl}/api/v1/devices/<address>/readings?limit=5   # a device's readings and their ids`,
    `  curl ${stack.apiUrl}/api/v1/readings/<messageId>/proof > bundle.json`,
    `  curl -O ${stack.apiUrl}/api/v1/tools/sealtrail-verify.mjs         # the auditor's verifier (Node >= 20)`,
    `  node sealtrail-verify.mjs bundle.json --rpc ${stack.rpcUrl}`,
    "Ctrl-C stops everything.",
  ].join("\n")}\n`;
}
