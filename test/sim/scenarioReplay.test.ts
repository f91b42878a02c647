import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { loadScenarioFile, type Scenario, startFleet } from "#sim";
import { type GatewayHarness, startGatewayHarness, storedMeasurements } from "./gatewayHarness.ts";

const coldChain = join(
  import.meta.dirname,
  "..",
  "..",
  "device-firmware-sim",
  "scenarios",
  "cold-chain.yaml",
);
let harness: GatewayHarness;
let scenario: Scenario;
let run = 0;

beforeAll(async () => {
  harness = await startGatewayHarness();
  const file = await loadScenarioFile(coldChain);
  // The cold-chain scenario, sped up: 20 readings per second, no faults, one second.
  scenario = { ...file, faults: [], devices: file.devices.map((g) => ({ ...g, periodMs: 50 })) };
});
afterAll(async () => {
  await harness.close();
});

/** Runs the fleet in a fresh data directory (so new device keys) and returns each device's stored readings. */
async function readingsFromRun(seed: number): Promise<Map<string, Record<string, number>[]>> {
  const fleet = await startFleet({
    scenario,
    seed,
    durationS: 1,
    mqttUrl: harness.mqttUrl,
    dataDir: join(harness.dir, `run-${++run}`),
    register: harness.register,
  });
  try {
    await fleet.finished;
    expect(await fleet.drain(20_000)).toBe(true);
  } finally {
    await fleet.stop();
  }
  const byLabel = new Map<string, Record<string, number>[]>();
  for (const d of fleet.devices) byLabel.set(d.label, await storedMeasurements(harness.store, d.address));
  return byLabel;
}

/** The first `n` readings of every device (runs of equal length may differ by a reading or two in count). */
function prefix(readings: Map<string, Record<string, number>[]>, n: number) {
  return [...readings].map(([label, list]) => [label, list.slice(0, n)]);
}

describe("scenario replay", () => {
  it("stores identical readings for the same seed, with different device keys, and different ones for another seed", async () => {
    const first = await readingsFromRun(7);
    const again = await readingsFromRun(7);
    const other = await readingsFromRun(8);
    const n = Math.min(...[first, again, other].flatMap((r) => [...r.values()].map((l) => l.length)));
    expect(n).toBeGreaterThanOrEqual(10);
    expect(prefix(again, n)).toEqual(prefix(first, n));
    expect(prefix(other, n)).not.toEqual(prefix(first, n));
    expect(Object.keys(first.get("reefer-1")![0]!).sort()).toEqual(
      ["batt_v", "door_open", "lat_deg", "lon_deg", "rh_pct", "shock_g", "temp_c"].sort(),
    );
  }, 90_000);
});
