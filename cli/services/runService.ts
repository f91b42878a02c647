import { parseArgs } from "node:util";
import pino, { type Logger } from "pino";
import { isConfigError, loadConfig, type SealtrailConfig } from "#config";
import { type CliIo, ExitCode } from "../io.ts";
import type { RunningService } from "./runningService.ts";

/**
 * A service command's life: parse `--config`, load and validate the configuration (a bad key stops here,
 * named with its variable), start, log where it listens, run until SIGTERM or SIGINT, stop gracefully and
 * exit 0 (1 when the start or the stop failed). Logs are pino JSON lines on stdout.
 */
export async function runService(
  argv: string[],
  io: CliIo,
  o: {
    name: string;
    help: string;
    start: (config: SealtrailConfig, logger: Logger) => Promise<RunningService>;
  },
): Promise<number> {
  let file: string | undefined;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { help: { type: "boolean", short: "h" }, config: { type: "string" } },
      strict: true,
    });
    if (values.help) {
      io.stdout.write(o.help);
      return ExitCode.Ok;
    }
    file = values.config;
  } catch (error) {
    io.stderr.write(`sealtrail ${o.name}: ${(error as Error).message}\n\n${o.help}`);
    return ExitCode.Usage;
  }
  let config: SealtrailConfig;
  try {
    config = loadConfig({ env: process.env, file }).config;
  } catch (error) {
    if (!isConfigError(error)) throw error;
    io.stderr.write(`sealtrail ${o.name}: ${error.message}\n`);
    return ExitCode.Failed;
  }
  const logger = pino({ level: config.common.logLevel, base: { service: o.name } });
  // Listening before the start: a SIGTERM while starting waits for the start, then stops what it started.
  let signalled: (name: string) => void = () => {};
  const stopRequested = new Promise<string>((resolve) => {
    signalled = resolve;
  });
  const onSignal = (name: NodeJS.Signals) => signalled(name);
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  try {
    const service = await o.start(config, logger);
    logger.info({ urls: service.urls }, `${o.name} started`);
    const signal = await stopRequested;
    logger.info({ signal }, `${o.name} stopping`);
    const clean = await service.stop();
    logger.info({ clean }, `${o.name} stopped`);
    return clean ? ExitCode.Ok : ExitCode.Failed;
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  }
}
