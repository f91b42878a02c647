import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { type Fleet, parseScenario, SCENARIO_FORMAT, startFleet } from "#sim";
import { until } from "#test-support";
import { chainProblems, type GatewayHarness, startGatewayHarness } from "./gatewayHarness.ts";

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

describe("fleet faults", () => {
  it("When a device loses its network, then it keeps sampling into its outbox and delivers everything after", async () => {
    fleet = await startFleet({
      scenario: parseScenario({
        format: SCENARIO_FORMAT,
        name: "offline",
        seed: 3,
        durationS: 1.6,
        client: "raw",
        devices: [{ group: "box", count: 2, rate: "20/s", sensors: { temperature: {} } }],
        faults: [{ type: "deviceOffline", device: "box-2", atS: 0.3, durationS: 0.8 }],
      }),
      mqttUrl: harness.mqttUrl,
      dataDir: join(harness.dir, "devices"),
      register: harness.register,
      backoff: { initialMs: 50, maxMs: 200, factor: 2, jitter: 0.5 },
    });
    // The most box-2 held while it was offline, sampled all along (one look at a fixed moment could come
    // too early on a slow machine, when the outage has barely started or the readings not been written).
    let bufferedWhileOffline = 0;
    const watch = setInterval(() => {
      const box2 = fleet!.stats().devices.find((d) => d.label === "box-2")!;
      const inOutage = box2.connects >= 1 && !box2.online; // offline after its first session
      if (inOutage) bufferedWhileOffline = Math.max(bufferedWhileOffline, box2.buffered);
    }, 10);
    try {
      await fleet.finished;
      expect(await fleet.drain(20_000)).toBe(true);
    } finally {
      clearInterval(watch);
    }
    await fleet.stop();
    expect(bufferedWhileOffline).toBeGreaterThan(5);
    for (const d of fleet.stats().devices) {
      const stored = await harness.store.listDeviceMessages(d.address);
      expect(stored).toHaveLength(d.produced);
      expect(chainProblems(stored)).toEqual([]);
    }
    expect(fleet.stats().devices.find((d) => d.label === "box-1")!.connects).toBe(1);
  }, 60_000);

  it("When a device's clock is skewed, then 90 s is accepted and 10 min is refused at CONNECT, its readings kept", async () => {
    fleet = await startFleet({
      scenario: parseScenario({
        format: SCENARIO_FORMAT,
        name: "skew",
        seed: 3,
        durationS: 1,
        devices: [{ group: "box", count: 2, rate: "10/s", sensors: { temperature: {} } }],
        faults: [
          { type: "clockSkew", device: "box-1", skewMs: 90_000 },
          { type: "clockSkew", device: "box-2", skewMs: 600_000 },
        ],
      }),
      mqttUrl: harness.mqttUrl,
      dataDir: join(harness.dir, "devices"),
      register: harness.register,
      backoff: { initialMs: 50, maxMs: 200, factor: 2, jitter: 0.5 },
    });
    await fleet.finished;
    expect(await fleet.drain(20_000, ["box-1"])).toBe(true);
    // box-2 tries to connect from the start; on a slow machine its first refusal may still be on its way.
    await until(() => (fleet!.stats().devices[1]!.refused.CONNECT_REFUSED_4 ?? 0) >= 1, {
      timeoutMs: 20_000,
    });
    await fleet.stop();
    const [fast, wrong] = fleet.stats().devices;
    expect(fast!.refused).toEqual({});
    expect(fast!.acknowledged).toBe(fast!.produced);
    const stored = await harness.store.listDeviceMessages(fast!.address);
    expect(stored[0]!.deviceTs - stored[0]!.receivedAt).toBeGreaterThan(85_000);
    expect(wrong!.refused.CONNECT_REFUSED_4).toBeGreaterThanOrEqual(1); // EXPIRED_TOKEN, told only as CONNACK 4
    expect(wrong!.acknowledged).toBe(0);
    expect(wrong!.buffered).toBe(wrong!.produced); // kept for when its clock is fixed
  }, 60_000);
});
