import { describe, expect, it } from "@jest/globals";
import { checkEpcisDocument } from "#gs1";
import { sensorSummaryEvent } from "./sensorSummaryEvent.ts";
import { DEFAULT_TEMPERATURE_PROFILE as profile } from "./temperatureProfile.ts";

const MIN = 60_000;
const base = {
  unit: "urn:epc:id:sscc:4012345.0000000001",
  deviceId: "urn:epc:id:giai:4012345.reefer-7",
  from: Date.parse("2026-12-01T00:00:00Z"),
  profile,
  rawData: "https://sealtrail.example/api/v1/readings?device=0xabc&fromTs=1&toTs=2",
};
const samples = (temps: number[]) => temps.map((tempC, i) => ({ ts: base.from + i * MIN, tempC }));

describe("sensorSummaryEvent", () => {
  it("sums up an interval as a sensor_reporting ObjectEvent that passes GS1's schema and rules", () => {
    const event = sensorSummaryEvent({ ...base, to: base.from + 3 * MIN, samples: samples([4, 5, 6, 5]) })!;
    expect(event.sensorElementList).toEqual([
      {
        sensorMetadata: {
          startTime: "2026-12-01T00:00:00.000+00:00",
          endTime: "2026-12-01T00:03:00.000+00:00",
          deviceID: base.deviceId,
          rawData: base.rawData,
        },
        sensorReport: [{ type: "Temperature", minValue: 4, maxValue: 6, meanValue: 5, uom: "CEL" }],
      },
    ]);
    const doc = {
      "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
      type: "EPCISDocument",
      schemaVersion: "2.0",
      creationDate: "2026-12-04T00:00:00Z",
      epcisBody: { eventList: [event] },
    };
    const checked = checkEpcisDocument(doc, { now: Date.now(), maxClockSkewMs: 0, maxEvents: 1 });
    expect(checked.problems).toEqual([]);
    expect(checked.events[0]!.problems).toEqual([]);
  });

  it("raises ALARM_CONDITION when a reading left the profile's range", () => {
    const event = sensorSummaryEvent({ ...base, to: base.from + 3 * MIN, samples: samples([4, 9.5, 6, 5]) })!;
    const [report] = (event.sensorElementList as { sensorReport: Record<string, unknown>[] }[])[0]!
      .sensorReport;
    expect(report).toMatchObject({ maxValue: 9.5, exception: "ALARM_CONDITION" });
  });

  it("claims nothing for an interval without readings", () => {
    expect(sensorSummaryEvent({ ...base, to: base.from + 3 * MIN, samples: [] })).toBeNull();
  });
});
