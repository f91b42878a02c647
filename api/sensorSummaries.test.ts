import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { canonicalIdentifier, gs1CheckDigit } from "#gs1";
import {
  bytesToHex,
  type DeviceIdentity,
  GENESIS_PREV,
  keccak256,
  readingToJson,
  signReading,
} from "#protocol";
import { EXAMPLE_ADMIN_TOKEN, exampleDevice, startTestApi, type TestApi } from "./testing/index.ts";

// Units with sensors attached and detached, over the real API and a real SQLite file: pallet 1's reefer
// spends ten minutes at 12 °C (an excursion under the default 2–8 °C); pallet 2's reefer misses a reading;
// pallet 3's first sensor was never registered and its second is still attached; pallet 4 carries
// products whose GTIN allows up to 15 °C, watched by a reefer with the same ten minutes at 12 °C.
const MIN = 60_000;
const T0 = Date.parse("2026-02-02T08:00:00.000Z");
const at = (minutes: number) => new Date(T0 + minutes * MIN).toISOString();
const admin = { Authorization: `Bearer ${EXAMPLE_ADMIN_TOKEN}` };
const json = { "Content-Type": "application/json" };
const pallet = (n: number) => `urn:epc:id:sscc:4012345.000000100${n}`;
const sensor = (n: number) => `urn:epc:id:giai:4012345.SUMREEFER${n}`;
const WARM_GTIN = `0401234533333${gs1CheckDigit("0401234533333")}`;
const product = (n: number) => `urn:epc:id:sgtin:4012345.011111.S${n}`;
const warmProduct = `urn:epc:id:sgtin:4012345.033333.W1`;

type Summary = {
  device: string;
  key: string | null;
  from: number;
  to: number | null;
  status: string;
  readings: number;
  gaps: number;
  eventID?: string;
  hashId?: string;
  messageId?: string;
  alarm?: boolean;
  organisation?: string;
};
type Answer = { unit: string; captured: number; summaries: Summary[] };

let t: TestApi;
const reefers: DeviceIdentity[] = [1, 2, 3, 4].map((n) => exampleDevice(`summary reefer ${n}`));

/** Stores one signed reading a minute from `fromMinute` (seq 1…), skipping the seqs in `skip`. */
async function storeTemperatures(
  device: DeviceIdentity,
  fromMinute: number,
  temps: number[],
  skip: number[] = [],
) {
  let prev: Uint8Array = GENESIS_PREV;
  for (let i = 0; i < temps.length; i++) {
    const seq = i + 1;
    const reading = { v: 1 as const, seq, ts: T0 + (fromMinute + i) * MIN, prev, m: { temp_c: temps[i]! } };
    const signed = signReading(device, reading);
    prev = keccak256(signed.message);
    if (skip.includes(seq)) continue;
    await t.store.insertMessage({
      messageId: signed.messageId,
      device: device.address,
      seq,
      raw: signed.message,
      deviceTs: reading.ts,
      receivedAt: reading.ts + 100,
      payloadJson: JSON.stringify(readingToJson(reading)),
    });
  }
}

async function capture(events: Record<string, unknown>[], visibility: "public" | "private") {
  const res = await t.fetch(`${t.api.url}/epcis/capture?organisation=carrier&visibility=${visibility}`, {
    method: "POST",
    headers: { ...admin, ...json },
    body: JSON.stringify({
      "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
      type: "EPCISDocument",
      schemaVersion: "2.0",
      creationDate: at(0),
      epcisBody: { eventList: events },
    }),
  });
  expect(res.status).toBe(202);
  for (;;) {
    const job = (await (
      await t.fetch(`${t.api.url}${res.headers.get("location")}`, { headers: admin })
    ).json()) as { running: boolean; errors: unknown[] };
    if (!job.running) return expect(job.errors).toEqual([]);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const event = (minute: number, fields: Record<string, unknown>) => ({
  eventTime: at(minute),
  eventTimeZoneOffset: "+00:00",
  ...fields,
});
const packing = (minute: number, n: number, children: string[]) =>
  event(minute, { type: "AggregationEvent", action: "ADD", parentID: pallet(n), childEPCs: children });
const association = (minute: number, action: string, n: number, giai: string) =>
  event(minute, { type: "AssociationEvent", action, parentID: pallet(n), childEPCs: [giai] });

async function summarise(unit: string, query = "", headers: Record<string, string> = admin) {
  return t.fetch(`${t.base}/units/${encodeURIComponent(unit)}/sensor-summaries${query}`, {
    method: "POST",
    headers,
  });
}

async function summariseOk(unit: string, status: number, query = ""): Promise<Answer> {
  const res = await summarise(unit, query);
  expect(res.status).toBe(status);
  return (await res.json()) as Answer;
}

async function storedSummaries(): Promise<Record<string, unknown>[]> {
  const res = await t.fetch(`${t.api.url}/epcis/events?EQ_bizStep=sensor_reporting`, { headers: admin });
  expect(res.status).toBe(200);
  return ((await res.json()) as { epcisBody: { queryResults: { resultsBody: { eventList: [] } } } }).epcisBody
    .queryResults.resultsBody.eventList;
}

beforeAll(async () => {
  t = await startTestApi({ attester: exampleDevice("summary attester") });
  const org = await t.fetch(`${t.base}/organisations`, {
    method: "POST",
    headers: { ...admin, ...json },
    body: JSON.stringify({ id: "carrier", name: "Carrier", glns: [] }),
  });
  expect(org.status).toBe(201);
  for (const [i, device] of reefers.entries()) {
    const n = i === 2 ? 32 : i + 1; // pallet 3's registered sensor is SUMREEFER32; SUMREEFER3 is not registered
    const res = await t.fetch(`${t.base}/devices`, {
      method: "POST",
      headers: { ...admin, ...json },
      body: JSON.stringify({ publicKey: bytesToHex(device.publicKey), label: `s-${n}`, giai: sensor(n) }),
    });
    expect(res.status).toBe(201);
  }
  const warmProfile = await t.fetch(`${t.base}/profiles/${WARM_GTIN}`, {
    method: "PUT",
    headers: { ...admin, ...json },
    body: JSON.stringify({
      name: "2–15 °C",
      minC: 2,
      maxC: 15,
      maxSingleExcursionMs: 1_800_000,
      maxCumulativeExcursionMs: 3_600_000,
    }),
  });
  expect(warmProfile.status).toBe(201);
  // Every reefer reports from minute 15 to 105; sensors are attached from 20 to 100.
  const excursion = Array.from({ length: 91 }, (_, i) => (i >= 30 && i < 40 ? 12 : 5));
  const steady = Array.from({ length: 91 }, () => 5);
  await storeTemperatures(reefers[0]!, 15, excursion);
  await storeTemperatures(reefers[1]!, 15, steady, [50]);
  await storeTemperatures(reefers[2]!, 15, steady);
  await storeTemperatures(reefers[3]!, 15, excursion);
  await capture(
    [
      packing(10, 1, [product(1)]),
      packing(10, 2, [product(2)]),
      packing(10, 4, [warmProduct]),
      association(20, "ADD", 1, sensor(1)),
      association(20, "ADD", 2, sensor(2)),
      association(20, "ADD", 3, sensor(3)),
      association(20, "ADD", 4, sensor(4)),
      association(60, "DELETE", 3, sensor(3)),
      association(60, "ADD", 3, sensor(32)),
      association(100, "DELETE", 1, sensor(1)),
      association(100, "DELETE", 2, sensor(2)),
      association(100, "DELETE", 4, sensor(4)),
    ],
    "public",
  );
});
afterAll(async () => {
  await t.close();
});

describe("POST /api/v1/units/{unit}/sensor-summaries", () => {
  it("captures one sensor_reporting ObjectEvent per closed interval, attested for the organisation that attached the sensor, with ALARM_CONDITION for the excursion", async () => {
    const answer = await summariseOk(pallet(1), 201);
    expect(answer).toEqual({
      unit: canonicalIdentifier(pallet(1)),
      captured: 1,
      summaries: [
        {
          device: canonicalIdentifier(sensor(1)),
          key: reefers[0]!.address,
          from: T0 + 20 * MIN,
          to: T0 + 100 * MIN,
          status: "captured",
          readings: 81,
          gaps: 0,
          alarm: true,
          organisation: "carrier",
          eventID: expect.stringMatching(/^ni:\/\/\/sha-256;/),
          hashId: expect.stringMatching(/^ni:\/\/\/sha-256;/),
          messageId: expect.stringMatching(/^0x[0-9a-f]{64}$/),
        },
      ],
    });
    const [summary] = answer.summaries;
    // Stored through the capture path: signed by the operator's attester, in the store like any event.
    const stored = await t.store.findEvent({ messageId: summary!.messageId as `0x${string}` });
    expect(stored).toMatchObject({ signedBy: "attester", organisation: "carrier", visibility: "public" });
    const fetched = await t.fetch(`${t.api.url}/epcis/events/${encodeURIComponent(summary!.eventID!)}`);
    expect(fetched.status).toBe(200);
    const body = (await fetched.json()) as { sensorElementList: { sensorMetadata: { rawData: string } }[] };
    expect(body).toMatchObject({
      type: "ObjectEvent",
      bizStep: "sensor_reporting",
      epcList: [canonicalIdentifier(pallet(1))],
      sensorElementList: [
        {
          sensorMetadata: { deviceID: canonicalIdentifier(sensor(1)) },
          sensorReport: [{ type: "Temperature", minValue: 5, maxValue: 12, exception: "ALARM_CONDITION" }],
        },
      ],
    });
    // rawData lists exactly the signed readings the summary was computed from, each with its id.
    const raw = await t.fetch(body.sensorElementList[0]!.sensorMetadata.rawData);
    expect(raw.status).toBe(200);
    expect(((await raw.json()) as { readings: unknown[] }).readings).toHaveLength(81);
  });

  it("stores nothing the second time: the interval is answered stored-already with the same event", async () => {
    const first = (await storedSummaries()).length;
    const again = await summariseOk(pallet(1), 200);
    expect(again.captured).toBe(0);
    expect(again.summaries).toEqual([
      expect.objectContaining({ status: "stored-already", eventID: expect.any(String) }),
    ]);
    expect(await storedSummaries()).toHaveLength(first);
  });

  it("When two requests race for one interval, then only one stores its summary and both name the same event", async () => {
    const answers = await Promise.all(
      [1, 2].map(async () => {
        const res = await summarise(pallet(4));
        return { status: res.status, body: (await res.json()) as Answer };
      }),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 201]);
    const all = answers.flatMap((a) => a.body.summaries);
    expect(all.map((s) => s.status).sort()).toEqual(["captured", "stored-already"]);
    expect(new Set(all.map((s) => s.eventID)).size).toBe(1);
    const unit = canonicalIdentifier(pallet(4))!;
    expect((await storedSummaries()).filter((e) => (e.epcList as string[]).includes(unit))).toHaveLength(1);
  });

  it("judges by the profile of the GTIN the unit carried: 12 °C is no alarm for products allowed up to 15 °C", async () => {
    const again = await summariseOk(pallet(4), 200);
    const event = (await storedSummaries()).find((e) => e.eventID === again.summaries[0]!.eventID)!;
    expect(JSON.stringify(event)).not.toContain("ALARM_CONDITION");
  });

  it("does not summarise an interval with a reading gap unless allowIncomplete=true", async () => {
    const refused = await summariseOk(pallet(2), 200);
    expect(refused.summaries).toEqual([
      expect.objectContaining({ status: "incomplete", readings: 80, gaps: 1 }),
    ]);
    const allowed = await summariseOk(pallet(2), 201, "?allowIncomplete=true&visibility=private");
    expect(allowed.summaries).toEqual([expect.objectContaining({ status: "captured", alarm: false })]);
    const stored = await t.store.findEvent({ eventHash: allowed.summaries[0]!.hashId! });
    expect(stored?.visibility).toBe("private");
  });

  it("reports a still-attached sensor as open and an unregistered one as such, capturing nothing", async () => {
    const answer = await summariseOk(pallet(3), 200);
    expect(answer.summaries.map((s) => [s.device, s.status])).toEqual([
      [canonicalIdentifier(sensor(3)), "unregistered"],
      [canonicalIdentifier(sensor(32)), "open"],
    ]);
  });

  it("refuses without the admin token (401), a unit that is no GS1 identifier (400), an unknown parameter (400), and answers 404 for a unit no event names", async () => {
    expect((await summarise(pallet(1), "", {})).status).toBe(401);
    const bad = await summarise("not-a-unit");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("INVALID_ITEM");
    expect((await summarise(pallet(1), "?force=yes")).status).toBe(400);
    const unknown = await summarise(pallet(9));
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("UNIT_NOT_FOUND");
  });
});

describe("POST /api/v1/units/{unit}/sensor-summaries without an attester key", () => {
  it("answers 501 NO_ATTESTER: nobody could sign the summaries", async () => {
    const bare = await startTestApi();
    try {
      const res = await bare.fetch(`${bare.base}/units/${encodeURIComponent(pallet(1))}/sensor-summaries`, {
        method: "POST",
        headers: admin,
      });
      expect(res.status).toBe(501);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("NO_ATTESTER");
    } finally {
      await bare.close();
    }
  });
});
