import { z } from "zod";
import { CLIENT_KINDS } from "../clients/deviceClient.ts";

/** Format tag every scenario file carries; other versions are refused. */
export const SCENARIO_FORMAT = "sealtrail-sim-scenario-v1";

const positive = z.number().positive();
const nonNegative = z.number().min(0);
const label = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, "lowercase letters, digits and dashes, starting with a letter");

const RATE_RE = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(s|sec|second|min|minute|h|hour)\s*$/;
const UNIT_MS: Record<string, number> = {
  s: 1000,
  sec: 1000,
  second: 1000,
  min: 60_000,
  minute: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
};

/** `"2/s"`, `"30/min"`, `"120/h"` or a number of readings per second → milliseconds between readings. */
const rate = z
  .union([positive, z.string().regex(RATE_RE, 'a rate like "2/s", "30/min" or "120/h"')])
  .transform((value, ctx) => {
    if (typeof value === "number") return 1000 / value;
    const match = RATE_RE.exec(value)!;
    const count = Number(match[1]);
    if (count <= 0) {
      ctx.addIssue({ code: "custom", message: "rate must be positive" });
      return z.NEVER;
    }
    return UNIT_MS[match[2]!]! / count;
  });

const latLon = z.tuple([z.number().min(-90).max(90), z.number().min(-180).max(180)]);

const sensorsSchema = z.strictObject({
  temperature: z
    .strictObject({
      setpointC: z.number(),
      initialC: z.number().nullable(),
      ambientC: z.number(),
      noiseC: nonNegative,
      cycleC: nonNegative,
      cyclePeriodS: positive,
      coolTauS: positive,
      doorLeak: z.number().min(0).max(1),
      doorTauS: positive,
      warmTauS: positive,
    })
    .partial()
    .optional()
    .describe("reefer air temperature, temp_c"),
  humidity: z
    .strictObject({
      meanPct: z.number().min(0).max(100),
      ambientPct: z.number().min(0).max(100),
      noisePct: nonNegative,
      settleTauS: positive,
      doorTauS: positive,
    })
    .partial()
    .optional()
    .describe("relative humidity, rh_pct"),
  route: z
    .strictObject({
      waypoints: z.array(latLon).min(2),
      durationS: positive,
      startOffsetS: nonNegative,
      gpsNoiseM: nonNegative,
    })
    .partial()
    .optional()
    .describe("GPS position along a route, lat_deg/lon_deg"),
  shock: z
    .strictObject({
      vibrationG: nonNegative,
      knocksPerHour: nonNegative,
      meanKnockG: nonNegative,
      maxG: positive,
    })
    .partial()
    .optional()
    .describe("peak acceleration, shock_g"),
  battery: z
    .strictObject({ startV: positive, drainVPerHour: nonNegative, cutoffV: nonNegative, noiseV: nonNegative })
    .partial()
    .optional()
    .describe("battery voltage, batt_v"),
  door: z.boolean().optional().describe("door contact, door_open"),
});

const groupSchema = z
  .strictObject({
    group: label.describe("devices are labelled <group>-1 … <group>-<count>"),
    count: z.number().int().min(1).max(100_000),
    rate: rate.describe("readings per device"),
    sensors: sensorsSchema,
    staggerS: nonNegative.default(0).describe("route start offset between consecutive devices, simulated s"),
    maxBuffered: z.number().int().min(1).default(10_000).describe("outbox bound per device"),
    maxInflight: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(8)
      .describe("PUBLISHes awaiting PUBACK per device"),
  })
  .transform(({ rate: periodMs, ...group }) => ({ ...group, periodMs }));

const eventSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("doorOpening"), device: label, atS: nonNegative, durationS: positive }),
  z.strictObject({
    type: z.literal("compressorFailure"),
    device: label,
    atS: nonNegative,
    durationS: positive,
  }),
  z.strictObject({ type: z.literal("impact"), device: label, atS: nonNegative, g: positive }),
]);

/** What a compromised device tries, one per visit, in turn; each has the refusal it must earn. */
export const ATTACKS = [
  "randomBytes",
  "forgedSignature",
  "reusedSeq",
  "wrongTopic",
  "oversized",
  "futureTimestamp",
] as const;
export type Attack = (typeof ATTACKS)[number];

const faultSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("brokerRestart"),
    atS: nonNegative,
    downS: nonNegative.describe("how long the broker stays down"),
  }),
  z.strictObject({ type: z.literal("deviceOffline"), device: label, atS: nonNegative, durationS: positive }),
  z.strictObject({
    type: z.literal("clockSkew"),
    device: label,
    atS: nonNegative.default(0),
    skewMs: z.number().int().describe("added to the device's ts and CONNECT iat"),
  }),
  z.strictObject({
    type: z.literal("compromised"),
    device: label.describe("label of the extra, registered device that sends junk"),
    atS: nonNegative.default(0),
    everyS: positive.default(2),
    attacks: z
      .array(z.enum(ATTACKS))
      .min(1)
      .default([...ATTACKS]),
  }),
]);

/** A scenario file: the fleet, the physical events its cargo lives through, and the faults injected. */
export const scenarioSchema = z
  .strictObject({
    format: z.literal(SCENARIO_FORMAT),
    name: z.string().min(1).max(80),
    description: z.string().max(2000).optional(),
    seed: z.number().int().min(0).max(0xffffffff).describe("same seed → same readings"),
    durationS: positive.describe("run length, seconds of wall-clock time"),
    client: z.enum(CLIENT_KINDS).default("mqttjs"),
    timeScale: positive.default(1).describe("simulated seconds per run second (sensor physics only)"),
    devices: z.array(groupSchema).min(1),
    events: z.array(eventSchema).default([]),
    faults: z.array(faultSchema).default([]),
  })
  .superRefine((scenario, ctx) => {
    const labels = new Set<string>();
    for (const g of scenario.devices) for (let i = 1; i <= g.count; i++) labels.add(`${g.group}-${i}`);
    const rogues = new Set<string>();
    for (const [i, f] of scenario.faults.entries()) {
      if (f.type !== "compromised") continue;
      if (labels.has(f.device) || rogues.has(f.device))
        ctx.addIssue({
          code: "custom",
          path: ["faults", i, "device"],
          message: `label ${f.device} is already taken`,
        });
      rogues.add(f.device);
    }
    const check = (list: "events" | "faults", i: number, device: string) => {
      if (!labels.has(device))
        ctx.addIssue({
          code: "custom",
          path: [list, i, "device"],
          message: `no device is labelled ${device}`,
        });
    };
    for (const [i, e] of scenario.events.entries()) check("events", i, e.device);
    for (const [i, f] of scenario.faults.entries())
      if (f.type === "deviceOffline" || f.type === "clockSkew") check("faults", i, f.device);
  });

/** A validated scenario, defaults filled, rates turned into periods. */
export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type DeviceGroup = Scenario["devices"][number];
export type ScenarioEvent = Scenario["events"][number];
export type ScenarioFault = Scenario["faults"][number];
