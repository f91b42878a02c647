import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { CLIENT_KINDS, type Fleet, parseScenario, SCENARIO_FORMAT, startFleet } from "#sim";
import { chainProblems, type GatewayHarness, startGatewayHarness } from "./gatewayHarness.ts";

const FAST_BACKOFF = { initialMs: 50, maxMs: 300, factor: 2, jitter: 0.5 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(CLIENT_KINDS)("a fleet on the %s client across a gateway restart", (client) => {
  let harness: GatewayHarness;
  let fleet: Fleet | undefined;

  beforeEach(async () => {
    harness = await startGatewayHarness();
  });

  afterEach(async () => {
    await fleet?.stop();
    fleet = undefined;
    await harness.close();
  });

  it("buffers on disk while the broker is down, then delivers everything with every hash chain intact", async () => {
    const scenario = parseScenario({
      format: SCENARIO_FORMAT,
      name: "restart",
      seed: 5,
      durationS: 2.6,
      devices: [{ group: "reefer", count: 3, rate: "20/s", sensors: { temperature: {}, humidity: {} } }],
      faults: [{ type: "brokerRestart", atS: 0.6, downS: 0.8 }],
    });
    let bufferedDuringOutage = -1;
    let restarted = false;
    fleet = await startFleet({
      scenario,
      client,
      mqttUrl: harness.mqttUrl,
      dataDir: join(harness.dir, "devices"),
      register: harness.register,
      backoff: FAST_BACKOFF,
      faults: {
        restartBroker: async ({ downMs }) => {
          await harness.stopGateway();
          await sleep(downMs);
          bufferedDuringOutage = fleet!.stats().total.buffered;
          await harness.startGateway();
          restarted = true;
        },
      },
    });

    await fleet.finished;
    expect(await fleet.drain(20_000)).toBe(true);
    await fleet.stop();

    expect(restarted).toBe(true);
    expect(bufferedDuringOutage).toBeGreaterThan(10); // readings kept coming while nobody acknowledged them
    const stats = fleet.stats();
    for (const device of stats.devices) {
      expect(device.connects).toBeGreaterThanOrEqual(2); // reconnected after the restart
      expect(device.buffered).toBe(0);
      expect(device.acknowledged).toBe(device.produced);
      expect(device.refused).toEqual({});
      const stored = await harness.store.listDeviceMessages(device.address);
      expect(stored).toHaveLength(device.produced); // nothing lost, nothing stored twice
      expect(chainProblems(stored)).toEqual([]);
    }
  }, 60_000);
});
