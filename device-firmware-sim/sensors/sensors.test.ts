import { describe, expect, it } from "@jest/globals";
import { createPrng } from "../random/createPrng.ts";
import { createBattery } from "./battery.ts";
import { createSensorSuite } from "./createSensorSuite.ts";
import { createReeferTemperature } from "./reeferTemperature.ts";
import { distanceMetres, pointAlongRoute } from "./routePosition.ts";
import { conditionsAt } from "./sensorEvents.ts";
import { CALM_CONDITIONS } from "./sensorModel.ts";
import { createShock } from "./shock.ts";

const minute = 60;

function temperatures(events: Parameters<typeof conditionsAt>[0], minutes: number): number[] {
  const model = createReeferTemperature({ setpointC: 4, ambientC: 25 }, createPrng(1));
  return Array.from(
    { length: minutes },
    (_, i) => model.step(i * minute, minute, conditionsAt(events, i * minute, minute)).temp_c!,
  );
}

describe("reefer temperature", () => {
  it("holds the setpoint within a degree while the unit cools", () => {
    const t = temperatures([], 240);
    expect(Math.min(...t)).toBeGreaterThan(3);
    expect(Math.max(...t)).toBeLessThan(5);
  });

  it("climbs past 8 °C after a compressor failure (an excursion) and comes back once it is repaired", () => {
    const t = temperatures([{ type: "compressorFailure", atS: 60 * minute, durationS: 60 * minute }], 240);
    expect(Math.max(...t.slice(0, 60))).toBeLessThan(5);
    expect(Math.max(...t.slice(60, 125))).toBeGreaterThan(8);
    expect(t[239]!).toBeLessThan(5);
  });

  it("bumps during a short door opening without an excursion", () => {
    const t = temperatures([{ type: "doorOpening", atS: 30 * minute, durationS: 3 * minute }], 60);
    expect(Math.max(...t)).toBeGreaterThan(6);
    expect(Math.max(...t)).toBeLessThan(8);
  });
});

describe("route position", () => {
  const route = [
    [51.9, 4.1],
    [51.9, 4.3],
    [51.7, 4.3],
  ] as const;

  it("starts at the first waypoint, ends at the last, and is halfway by distance at one half", () => {
    expect(pointAlongRoute(route, 0)).toEqual([51.9, 4.1]);
    expect(pointAlongRoute(route, 1)).toEqual([51.7, 4.3]);
    const mid = pointAlongRoute(route, 0.5);
    const total = distanceMetres(route[0], route[1]) + distanceMetres(route[1], route[2]);
    const walked = distanceMetres(route[0], route[1]) + distanceMetres(route[1], mid);
    expect(Math.abs(walked - total / 2)).toBeLessThan(total * 0.01);
  });

  it("measures Rotterdam to Duisburg as about 166 km in a straight line", () => {
    expect(distanceMetres([51.9225, 4.4792], [51.4344, 6.7623]) / 1000).toBeCloseTo(166, -1);
  });
});

describe("battery and shock", () => {
  it("drains the battery and never reads below the cut-off", () => {
    const battery = createBattery(
      { startV: 3.9, drainVPerHour: 0.1, cutoffV: 3.5, noiseV: 0 },
      createPrng(1),
    );
    expect(battery.step(0, 60, CALM_CONDITIONS).batt_v).toBe(3.9);
    expect(battery.step(3600, 60, CALM_CONDITIONS).batt_v).toBe(3.8);
    expect(battery.step(100 * 3600, 60, CALM_CONDITIONS).batt_v).toBe(3.5);
  });

  it("reports a scheduled impact and saturates at the accelerometer's range", () => {
    const shock = createShock({ maxG: 16, knocksPerHour: 0 }, createPrng(1));
    expect(shock.step(0, 60, { ...CALM_CONDITIONS, impactG: 7.5 }).shock_g).toBe(7.5);
    expect(shock.step(60, 60, { ...CALM_CONDITIONS, impactG: 40 }).shock_g).toBe(16);
    expect(shock.step(120, 60, CALM_CONDITIONS).shock_g).toBeLessThan(1);
  });
});

describe("createSensorSuite", () => {
  const options = {
    sensors: { temperature: {}, humidity: {}, route: {}, shock: {}, battery: {}, door: true },
    periodS: 1,
    timeScale: 60,
    events: [{ type: "doorOpening" as const, atS: 5, durationS: 2 }],
  };
  const run = (seed: number, n: number) => {
    const suite = createSensorSuite(options, createPrng(seed));
    return Array.from({ length: n }, () => suite.next());
  };

  it("reports every known measurement of the fitted sensors", () => {
    expect(Object.keys(run(1, 1)[0]!).sort()).toEqual(
      ["batt_v", "door_open", "lat_deg", "lon_deg", "rh_pct", "shock_g", "temp_c"].sort(),
    );
  });

  it("replays identical readings from the same seed and different ones from another seed", () => {
    expect(run(42, 50)).toEqual(run(42, 50));
    expect(run(42, 50)).not.toEqual(run(43, 50));
  });

  it("marks the door open exactly during the scheduled opening", () => {
    expect(run(1, 10).map((m) => m.door_open)).toEqual([0, 0, 0, 0, 0, 1, 1, 0, 0, 0]);
  });
});
