import type { TemperatureProfile } from "./temperatureProfile.ts";

export type SensorSummaryInput = {
  /** The logistic unit the sensor was attached to, as an EPC URN or GS1 Digital Link (it goes in epcList). */
  unit: string;
  /** The sensor device's GIAI, as an EPC URN or Digital Link (sensorMetadata.deviceID). */
  deviceId: string;
  /** The interval reported, ms. */
  from: number;
  to: number;
  /** Verified temperatures in the interval. */
  samples: readonly { ts: number; tempC: number }[];
  profile: TemperatureProfile;
  /** Where the signed readings and their proofs can be fetched (sensorMetadata.rawData). */
  rawData: string;
};

const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
const round = (v: number) => Math.round(v * 1000) / 1000;

/**
 * An EPCIS 2.0 ObjectEvent (bizStep `sensor_reporting`) that sums up one sensor's verified temperatures
 * over one association interval: min, max and mean in °C, with `exception: ALARM_CONDITION` when any
 * reading left the profile's range, and `rawData` pointing at the signed readings (whose proofs make the
 * summary checkable). Returns null for an interval without readings — an empty report would claim a
 * temperature nobody measured.
 * @example sensorSummaryEvent({ unit: sscc, deviceId: giai, from, to, samples, profile, rawData })
 */
export function sensorSummaryEvent(input: SensorSummaryInput): Record<string, unknown> | null {
  const temps = input.samples.filter((s) => s.ts >= input.from && s.ts <= input.to).map((s) => s.tempC);
  if (temps.length === 0) return null;
  const min = Math.min(...temps);
  const max = Math.max(...temps);
  const mean = temps.reduce((a, b) => a + b, 0) / temps.length;
  const alarm = min < input.profile.minC || max > input.profile.maxC;
  return {
    type: "ObjectEvent",
    eventTime: iso(input.to),
    eventTimeZoneOffset: "+00:00",
    epcList: [input.unit],
    action: "OBSERVE",
    bizStep: "sensor_reporting",
    sensorElementList: [
      {
        sensorMetadata: {
          startTime: iso(input.from),
          endTime: iso(input.to),
          deviceID: input.deviceId,
          rawData: input.rawData,
        },
        sensorReport: [
          {
            type: "Temperature",
            minValue: round(min),
            maxValue: round(max),
            meanValue: round(mean),
            uom: "CEL",
            ...(alarm ? { exception: "ALARM_CONDITION" } : {}),
          },
        ],
      },
    ],
  };
}
