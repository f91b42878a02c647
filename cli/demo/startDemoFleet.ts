import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import type { SealtrailConfig } from "#config";
import { formatSummaryLine, httpRegistrar, loadScenarioFile, startFleet } from "#sim";
import type { Stack } from "./startStack.ts";

export const COLD_CHAIN_SCENARIO = fileURLToPath(
  new URL("../../device-firmware-sim/scenarios/cold-chain.yaml", import.meta.url),
);

export type DemoFleet = { description: string; stop(): Promise<void> };

/**
 * Starts the demo's simulated fleet (the cold-chain scenario unless another is configured): devices keep
 * their keys and state under `<dataDir>/devices`, register through the API with the admin token and
 * publish over MQTT like firmware. A summary line is logged every 15 s.
 */
export async function startDemoFleet(
  stack: Stack,
  config: SealtrailConfig,
  logger: Logger,
): Promise<DemoFleet> {
  const path = config.sim.scenario ?? COLD_CHAIN_SCENARIO;
  const scenario = await loadScenarioFile(path);
  const fleet = await startFleet({
    scenario,
    mqttUrl: stack.mqttUrl,
    dataDir: join(resolve(config.common.dataDir), "devices"),
    register: httpRegistrar({ apiUrl: stack.apiUrl, adminToken: stack.adminToken }),
    logger: logger.child({ component: "sim" }),
  });
  const timer = setInterval(
    () => logger.info({ component: "sim" }, formatSummaryLine(fleet.stats())),
    15_000,
  );
  void fleet.finished.then(() => {
    clearInterval(timer);
    logger.info(
      { component: "sim" },
      `scenario ${scenario.name} finished: ${formatSummaryLine(fleet.stats())}`,
    );
  });
  return {
    description: `${scenario.name}: ${fleet.devices.length} devices for ${Math.round(fleet.durationMs / 1000)} s (${scenario.description})`,
    stop: async () => {
      clearInterval(timer);
      await fleet.stop();
    },
  };
}
