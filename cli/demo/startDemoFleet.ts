import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import type { SealtrailConfig } from "#config";
import { formatSummaryLine, loadScenarioFile, type RegisterDevice, startFleet } from "#sim";
import { type ColdChainStory, demoGiai, startColdChainStory } from "./coldChainStory.ts";
import type { Stack } from "./startStack.ts";

export const COLD_CHAIN_SCENARIO = fileURLToPath(
  new URL("../../device-firmware-sim/scenarios/cold-chain.yaml", import.meta.url),
);

export type DemoFleet = {
  description: string;
  /** The cold-chain story's two products (when the scenario has its reefers): compliant and excursion. */
  provenance: { compliantUrl: string; excursionUrl: string } | undefined;
  stop(): Promise<void>;
};

/**
 * Registers each simulated device through the API like a provisioning script, with a GIAI derived from its
 * label (reefer-2 → 4012345REEFER2): the story's AssociationEvents attach sensors to pallets by GIAI.
 */
function demoRegistrar(stack: Stack): RegisterDevice {
  return async (device) => {
    const res = await fetch(`${stack.apiUrl}/api/v1/devices`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${stack.adminToken}` },
      body: JSON.stringify({
        publicKey: device.publicKey,
        label: device.label,
        giai: demoGiai(device.label),
      }),
      signal: AbortSignal.timeout(10_000),
    });
    if (res.status !== 201 && res.status !== 200) {
      throw new Error(`registering ${device.label}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
    }
  };
}

/**
 * Starts the demo's simulated fleet (the cold-chain scenario unless another is configured): devices keep
 * their keys and state under `<dataDir>/devices`, register through the API with the admin token (and a
 * GIAI each) and publish over MQTT like firmware. With the cold-chain scenario's reefers, the traceability
 * story (coldChainStory.ts) is told alongside. A summary line is logged every 15 s.
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
    register: demoRegistrar(stack),
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
  let story: ColdChainStory | undefined;
  const labels = new Set(fleet.devices.map((d) => d.label));
  if (["reefer-1", "reefer-2", "reefer-3"].every((l) => labels.has(l))) {
    story = await startColdChainStory({
      apiUrl: stack.apiUrl,
      adminToken: stack.adminToken,
      devices: fleet.devices,
      endsAt: fleet.startedAt + fleet.durationMs,
    });
    story.finished.then(
      () =>
        logger.info(
          { component: "story" },
          "journey ended: received, sensors removed and summarised, unpacked",
        ),
      (err: unknown) => logger.error({ component: "story", err: String(err) }, "journey end not captured"),
    );
  }
  return {
    description: `${scenario.name}: ${fleet.devices.length} devices for ${Math.round(fleet.durationMs / 1000)} s (${scenario.description})`,
    provenance: story && { compliantUrl: story.compliantUrl, excursionUrl: story.excursionUrl },
    stop: async () => {
      clearInterval(timer);
      story?.stop();
      await fleet.stop();
    },
  };
}
