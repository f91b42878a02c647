import pino, { type DestinationStream } from "pino";
import { isSimError, SimError, SimErrorCode } from "../errors.ts";
import { loadScenarioFile } from "../fleet/parseScenario.ts";
import { httpRegistrar } from "../fleet/registerDevice.ts";
import { type Fleet, startFleet } from "../fleet/startFleet.ts";
import { formatDeviceTable, formatProgressFrame, formatSummaryLine } from "./formatProgress.ts";
import { parseSimArgs, SIM_HELP } from "./parseSimArgs.ts";

/** Where `sealtrail sim` writes; `process` fits (its stdout has isTTY and columns). */
export type SimCommandIo = {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(text: string): unknown };
  /** Environment (SEALTRAIL_ADMIN_TOKEN); default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Ends the run early (as Ctrl-C does); without it the command listens for SIGINT/SIGTERM itself. */
  signal?: AbortSignal;
};

/** Exit codes, as every `sealtrail` command uses them. */
const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const TTY_FRAME_MS = 250;

/**
 * `sealtrail sim <scenario.yaml> --mqtt <url> --api <url> --admin-token <t> --data-dir <dir> [--seed N]
 * [--client mqttjs|raw] [--duration s]`: registers the scenario's devices, runs the fleet for the duration
 * with a progress bar and a live summary on a TTY (periodic plain lines otherwise), waits a little for
 * buffered readings, prints the per-device table and exits.
 * @example process.exitCode = await runSimCommand(process.argv.slice(3), process)
 */
export async function runSimCommand(argv: readonly string[], io: SimCommandIo): Promise<number> {
  let args: ReturnType<typeof parseSimArgs>;
  try {
    args = parseSimArgs(argv, io.env ?? process.env);
  } catch (error) {
    if (!isSimError(error, SimErrorCode.Usage)) throw error;
    io.stderr.write(`sealtrail sim: ${error.shortMessage}\n\n${SIM_HELP}`);
    return EXIT_USAGE;
  }
  if (args === "help") {
    io.stdout.write(SIM_HELP);
    return EXIT_OK;
  }

  const { signal, dispose } = stopSignal(io.signal);
  let fleet: Fleet | undefined;
  try {
    const scenario = await loadScenarioFile(args.scenarioPath);
    const logger = pino({ level: args.verbose ? "info" : "silent" }, io.stderr as DestinationStream);
    fleet = await startFleet({
      scenario,
      mqttUrl: args.mqttUrl,
      dataDir: args.dataDir,
      register: httpRegistrar({ apiUrl: args.apiUrl, adminToken: args.adminToken }),
      logger,
      ...(args.seed === undefined ? {} : { seed: args.seed }),
      ...(args.client === undefined ? {} : { client: args.client }),
      ...(args.durationS === undefined ? {} : { durationS: args.durationS }),
    });
    const running = fleet;
    io.stdout.write(
      `${scenario.name}: ${running.devices.length} devices, seed ${running.seed}, ${running.client} client, ` +
        `${Math.round(running.durationMs / 1000)} s against ${args.mqttUrl}\n`,
    );
    const tty = io.stdout.isTTY === true;
    const render = () => {
      const elapsed = Date.now() - running.startedAt;
      if (tty) {
        const columns = io.stdout.columns ?? 100;
        io.stdout.write(
          `\r\x1b[2K${formatProgressFrame(running.stats(), elapsed, running.durationMs, columns)}`,
        );
      } else {
        io.stdout.write(`t=${Math.round(elapsed / 1000)}s ${formatSummaryLine(running.stats())}\n`);
      }
    };
    const plainIntervalMs = Math.min(5000, Math.max(1000, running.durationMs / 10));
    const ticker = setInterval(render, tty ? TTY_FRAME_MS : plainIntervalMs);
    const aborted = new Promise<void>((resolve) =>
      signal.addEventListener("abort", () => resolve(), { once: true }),
    );
    // Devices retry a failed CONNECT forever, as firmware must; the command gives up when none ever got
    // online within the connect timeout, rather than report "online 0/3" and exit 0.
    let connectTimer: NodeJS.Timeout | undefined;
    const neverOnline = new Promise<"never online">((resolve) => {
      connectTimer = setTimeout(() => {
        if (running.stats().total.connects === 0) resolve("never online");
      }, args.connectTimeoutS * 1000);
    });
    const ended = await Promise.race([running.finished, aborted, neverOnline]);
    clearTimeout(connectTimer);
    if (ended !== "never online" && !signal.aborted && args.drainTimeoutS > 0) {
      await Promise.race([running.drain(args.drainTimeoutS * 1000), aborted]);
    }
    clearInterval(ticker);
    render();
    if (tty) io.stdout.write("\n");
    // Read before stop(): stopping aborts the CONNECT attempts under way, a failure of its own.
    const reason = running.connectFailure();
    await running.stop();
    const stats = running.stats();
    io.stdout.write(
      `${signal.aborted ? "interrupted" : "done"}: ${formatSummaryLine(stats)}\n${formatDeviceTable(stats)}\n`,
    );
    if (stats.total.buffered > 0) {
      io.stdout.write(
        `${stats.total.buffered} readings are still buffered in ${args.dataDir}; the next run delivers them.\n`,
      );
    }
    if (stats.total.connects === 0 && reason !== undefined) {
      const seconds = Math.round((Date.now() - running.startedAt) / 1000);
      throw new SimError(
        SimErrorCode.NoConnection,
        `no device could connect to ${args.mqttUrl} (${stats.total.connectFailures} attempts in ${seconds} s): ${reason}`,
        { details: { reason } },
      );
    }
    return EXIT_OK;
  } catch (error) {
    if (!isSimError(error)) throw error;
    io.stderr.write(`sealtrail sim: ${error.shortMessage}\n`);
    return error.code === SimErrorCode.InvalidScenario ? EXIT_USAGE : EXIT_FAILED;
  } finally {
    await fleet?.stop();
    dispose();
  }
}

/** The caller's abort signal, or one fired by SIGINT/SIGTERM for the duration of the command. */
function stopSignal(external: AbortSignal | undefined): { signal: AbortSignal; dispose: () => void } {
  if (external) return { signal: external, dispose: () => {} };
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    },
  };
}
