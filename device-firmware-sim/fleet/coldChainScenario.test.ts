import { join } from "node:path";
import { describe, expect, it } from "@jest/globals";
import { createScenarioSensors } from "./createScenarioSensors.ts";
import { loadScenarioFile } from "./parseScenario.ts";

/** The temperatures a device of the cold-chain scenario reports over the whole run, as the fleet samples them. */
async function temperaturesOf(index: number): Promise<number[]> {
  const scenario = await loadScenarioFile(join(import.meta.dirname, "..", "scenarios", "cold-chain.yaml"));
  const group = scenario.devices[0]!;
  const suite = createScenarioSensors(scenario, group, index, scenario.seed);
  const readings = Math.floor((scenario.durationS * 1000) / group.periodMs);
  return Array.from({ length: readings }, () => suite.next().temp_c!);
}

describe("the cold-chain scenario", () => {
  it("has reefer-2's compressor failure push the air above 8 °C — an excursion — and recover before the end", async () => {
    const t = await temperaturesOf(1);
    expect(Math.max(...t.slice(0, 60))).toBeLessThan(5);
    expect(t.slice(60, 140).filter((c) => c > 8).length).toBeGreaterThan(20);
    expect(Math.max(...t.slice(160))).toBeLessThan(8);
  });

  it("has reefer-1's door opening bump the temperature without an excursion", async () => {
    const t = await temperaturesOf(0);
    expect(Math.max(...t.slice(40, 50))).toBeGreaterThan(6);
    expect(Math.max(...t)).toBeLessThan(8);
  });

  it("keeps reefer-3, which has no cargo incident, near its setpoint", async () => {
    const t = await temperaturesOf(2);
    expect(Math.max(...t)).toBeLessThan(5);
  });
});
