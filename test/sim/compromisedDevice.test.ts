import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import {
  ATTACKS,
  CLIENT_KINDS,
  DISCONNECTED_WITHOUT_NOTICE,
  type Fleet,
  NO_ANSWER,
  parseScenario,
  SCENARIO_FORMAT,
  startFleet,
} from "#sim";
import { until } from "#test-support";
import { chainProblems, type GatewayHarness, startGatewayHarness } from "./gatewayHarness.ts";

// Each attack earns its refusal (random bytes may fail as any decoding error; an oversized frame is cut by
// the gateway's frame guard before anything is read, so it gets a disconnect without a notice).
const EXPECTED_REFUSALS = [
  "BAD_SIGNATURE",
  "EQUIVOCATION",
  "NOT_AUTHORIZED_TOPIC",
  "CLOCK_SKEW",
  DISCONNECTED_WITHOUT_NOTICE,
];

describe.each(CLIENT_KINDS)("a compromised device on the %s client", (client) => {
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

  it("is refused for every kind of junk, while the honest devices' readings all arrive intact", async () => {
    const scenario = parseScenario({
      format: SCENARIO_FORMAT,
      name: "compromised",
      seed: 11,
      durationS: 60, // an upper bound: the run ends once the rogue has gone through every attack
      devices: [{ group: "reefer", count: 3, rate: "10/s", sensors: { temperature: {}, battery: {} } }],
      faults: [{ type: "compromised", device: "rogue-1", atS: 0.1, everyS: 0.05, attacks: [...ATTACKS] }],
    });
    fleet = await startFleet({
      scenario,
      client,
      mqttUrl: harness.mqttUrl,
      dataDir: join(harness.dir, "devices"),
      register: harness.register,
      backoff: { initialMs: 50, maxMs: 300, factor: 2, jitter: 0.5 },
    });
    // The attacks take turns (~0.5 s for all of them on an idle machine); the honest devices sample
    // meanwhile. Wait for both rather than for a fixed duration, which a slow machine may not fill.
    const current = () => fleet!.stats().devices;
    await until(
      () =>
        current().every((d) =>
          d.role === "compromised"
            ? EXPECTED_REFUSALS.every((code) => (d.refused[code] ?? 0) >= 1)
            : d.produced > 15,
        ),
      { timeoutMs: 60_000 },
    );
    fleet.end();
    await fleet.finished;
    expect(await fleet.drain(20_000)).toBe(true);
    await fleet.stop();

    const stats = fleet.stats();
    const rogue = stats.devices.find((d) => d.role === "compromised")!;
    expect(rogue.label).toBe("rogue-1");
    for (const code of EXPECTED_REFUSALS) expect(rogue.refused[code] ?? 0).toBeGreaterThanOrEqual(1);
    const refusedTotal = Object.values(rogue.refused).reduce((a, b) => a + b, 0);
    expect(refusedTotal).toBe(rogue.sent - rogue.acknowledged); // every piece of junk refused, none acked
    expect(rogue.refused[NO_ANSWER]).toBeUndefined();
    // Only the genuine readings that preceded the reused seqs are stored for the rogue.
    expect(await harness.store.listDeviceMessages(rogue.address)).toHaveLength(rogue.acknowledged);

    const honest = stats.devices.filter((d) => d.role === "device");
    expect(honest).toHaveLength(3);
    for (const device of honest) {
      expect(device.refused).toEqual({});
      expect(device.connects).toBe(1); // never disturbed, not even disconnected
      expect(device.produced).toBeGreaterThan(15);
      expect(device.acknowledged).toBe(device.produced);
      const stored = await harness.store.listDeviceMessages(device.address);
      expect(stored).toHaveLength(device.produced);
      expect(chainProblems(stored)).toEqual([]);
    }
  }, 120_000);
});
