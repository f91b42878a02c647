import { join } from "node:path";
import { describe, expect, it } from "@jest/globals";
import { isSimError, SimErrorCode } from "../errors.ts";
import { loadScenarioFile, parseScenario } from "./parseScenario.ts";
import { SCENARIO_FORMAT } from "./scenarioSchema.ts";

const scenarios = join(import.meta.dirname, "..", "scenarios");
const minimal = {
  format: SCENARIO_FORMAT,
  name: "t",
  seed: 1,
  durationS: 10,
  devices: [{ group: "box", count: 2, rate: "30/min", sensors: { temperature: {} } }],
};

describe("scenario files", () => {
  it.each(["cold-chain.yaml", "load.yaml", "resilience.yaml"])("ships a valid %s", async (file) => {
    const scenario = await loadScenarioFile(join(scenarios, file));
    expect(scenario.format).toBe(SCENARIO_FORMAT);
  });

  it("describes the cold chain: reefers on a route, one door opening, one compressor failure", async () => {
    const scenario = await loadScenarioFile(join(scenarios, "cold-chain.yaml"));
    expect(scenario.devices[0]?.sensors.route?.waypoints?.length).toBeGreaterThanOrEqual(2);
    expect(scenario.events.filter((e) => e.type === "doorOpening")).toHaveLength(1);
    expect(scenario.events.filter((e) => e.type === "compressorFailure")).toHaveLength(1);
  });

  it("turns rates into periods and fills defaults", () => {
    const scenario = parseScenario(minimal);
    expect(scenario.devices[0]?.periodMs).toBe(2000);
    expect(scenario.client).toBe("mqttjs");
    expect(scenario.faults).toEqual([]);
    expect(
      parseScenario({ ...minimal, devices: [{ ...minimal.devices[0], rate: 4 }] }).devices[0]?.periodMs,
    ).toBe(250);
  });

  it("refuses another format version, naming the problem and its path", () => {
    const error = (() => {
      try {
        parseScenario({ ...minimal, format: "sealtrail-sim-scenario-v2" });
      } catch (e) {
        return e;
      }
    })();
    expect(isSimError(error, SimErrorCode.InvalidScenario)).toBe(true);
    expect((error as Error).message).toMatch(/format/);
  });

  it("refuses events and faults naming a device the fleet does not have", () => {
    expect(() =>
      parseScenario({ ...minimal, events: [{ type: "doorOpening", device: "box-3", atS: 1, durationS: 1 }] }),
    ).toThrow(/events\.0\.device: no device is labelled box-3/);
    expect(() => parseScenario({ ...minimal, faults: [{ type: "compromised", device: "box-1" }] })).toThrow(
      /already taken/,
    );
  });

  it("refuses an unknown key instead of ignoring a typo", () => {
    expect(() => parseScenario({ ...minimal, durationSeconds: 5 })).toThrow(/durationSeconds/);
  });
});
