import pino from "pino";
import { demoConfigFromEnv } from "../demo/demoConfig.ts";
import { startDemoFleet } from "../demo/startDemoFleet.ts";
import { startStack } from "../demo/startStack.ts";
import { type CliIo, ExitCode } from "../io.ts";

const HELP = `usage: sealtrail demo

Starts the whole system on this machine: a local OP-stack L2 (hardhat node --chain-type op) with the
contracts deployed, the gateway (embedded MQTT broker, SQLite store, batcher, anchorer), the API, and a
simulated cold-chain fleet. Ctrl-C stops everything. Configuration comes from SEALTRAIL_* environment
variables (see README.md).
`;

/** `sealtrail demo`: runs until SIGINT/SIGTERM, then stops every process it started. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout.write(HELP);
    return ExitCode.Ok;
  }
  const config = demoConfigFromEnv(process.env);
  const logger = pino({ level: config.SEALTRAIL_LOG_LEVEL, base: null });
  io.stdout.write(`Starting Sealtrail (data dir ${config.dataDir}) …\n`);
  const stack = await startStack({
    dataDir: config.dataDir,
    host: config.SEALTRAIL_HOST,
    httpPort: config.SEALTRAIL_HTTP_PORT,
    mqttPort: config.SEALTRAIL_MQTT_PORT,
    rpcPort: config.SEALTRAIL_RPC_PORT,
    adminToken: config.SEALTRAIL_ADMIN_TOKEN,
    batchMaxSize: config.SEALTRAIL_BATCH_MAX_SIZE,
    batchMaxAgeMs: config.SEALTRAIL_BATCH_MAX_AGE_MS,
    finalityDepth: config.SEALTRAIL_FINALITY_DEPTH,
    logger,
  });
  const fleet =
    config.SEALTRAIL_SIM === "on"
      ? await startDemoFleet(stack, config, logger).catch(async (error) => {
          await stack.stop();
          throw error;
        })
      : undefined;
  io.stdout.write(
    `${[
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
      "",
      "Try:",
      `  curl ${stack.apiUrl}/api/v1/status`,
      `  curl ${stack.apiUrl}/api/v1/devices                              # registered devices`,
      `  curl ${stack.apiUrl}/api/v1/devices/<address>/readings?limit=5   # a device's readings and their ids`,
      `  curl ${stack.apiUrl}/api/v1/readings/<messageId>/proof > bundle.json`,
      `  npx sealtrail verify bundle.json --rpc ${stack.rpcUrl}`,
      "Ctrl-C stops everything.",
    ].join("\n")}\n`,
  );
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  io.stdout.write("Stopping …\n");
  await fleet?.stop();
  await stack.stop();
  io.stdout.write("Stopped.\n");
  return ExitCode.Ok;
}
