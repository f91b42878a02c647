import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { canonicalIdentifier } from "#gs1";
import {
  bytesToHex,
  type DeviceIdentity,
  GENESIS_PREV,
  keccak256,
  readingToJson,
  signReading,
} from "#protocol";
import { GZIP_MIN_BYTES } from "./routes/provenance/sendLargeJson.ts";
import {
  EXAMPLE_ADMIN_TOKEN,
  EXAMPLE_TARGET,
  exampleDevice,
  startTestApi,
  type TestApi,
} from "./testing/index.ts";

// One journey, built through the real API over a real SQLite file: products P1 and P2 are commissioned,
// packed on pallets 1 and 2, a reefer sensor (known by its GIAI) is attached to each pallet, the pallets
// are shipped (a private event), and later the sensors are detached and the pallets unpacked. Reefer 1
// keeps 5 °C; reefer 2 spends an hour at 12 °C. Reefer 3 watches pallet 3 (product P3) and misses a reading.
const MIN = 60_000;
const T0 = Date.parse("2026-01-05T08:00:00.000Z");
const at = (minutes: number) => new Date(T0 + minutes * MIN).toISOString();
const admin = { Authorization: `Bearer ${EXAMPLE_ADMIN_TOKEN}` };
const json = { "Content-Type": "application/json" };
const product = (n: number) => `urn:epc:id:sgtin:4012345.011111.P${n}`;
const pallet = (n: number) => `urn:epc:id:sscc:4012345.000000000${n}`;
const sensor = (n: number) => `urn:epc:id:giai:4012345.REEFER${n}`;
const GTIN = /\/01\/(\d{14})\//.exec(canonicalIdentifier(product(1))!)![1]!;

type Provenance = {
  format: string;
  access: string;
  events: { visible: boolean; type?: string; bizStep?: string | null; hashId: string; status: string }[];
  units: { unit: string; from: number; to: number | null }[];
  devices: {
    giai: string;
    device: string | null;
    complete: boolean;
    gaps: { reason: string }[];
    readings: {
      count: number;
      columns: string[];
      rows: ([number, number, number | null] | [number, number, number | null, string])[];
    };
    before: unknown;
    after: unknown;
  }[];
  batches: Record<string, string>;
  profile: { source: string; profile: { maxC: number } };
  coldChain: {
    verdict: string;
    excursions: { durationMs: number; peakC: number }[];
    gaps: { reason: string }[];
  };
};

let t: TestApi;
const reefers: DeviceIdentity[] = [1, 2, 3].map((n) => exampleDevice(`provenance reefer ${n}`));

/** Stores one signed reading a minute (seq 1…) at the given temperatures, skipping the seqs in `skip`. */
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
  const body = {
    "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
    type: "EPCISDocument",
    schemaVersion: "2.0",
    creationDate: at(0),
    epcisBody: { eventList: events },
  };
  const res = await t.fetch(`${t.api.url}/epcis/capture?organisation=acme&visibility=${visibility}`, {
    method: "POST",
    headers: { ...admin, ...json },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(202);
  for (;;) {
    const job = (await (
      await t.fetch(`${t.api.url}${res.headers.get("location")}`, { headers: admin })
    ).json()) as {
      running: boolean;
      errors: unknown[];
    };
    if (!job.running) return expect(job.errors).toEqual([]);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const event = (minute: number, fields: Record<string, unknown>) => ({
  eventTime: at(minute),
  eventTimeZoneOffset: "+00:00",
  ...fields,
});
const aggregation = (minute: number, action: string, n: number) =>
  event(minute, {
    type: "AggregationEvent",
    action,
    parentID: pallet(n),
    childEPCs: [product(n)],
    bizStep: "packing",
  });
const association = (minute: number, action: string, n: number) =>
  event(minute, {
    type: "AssociationEvent",
    action,
    parentID: pallet(n),
    childEPCs: [sensor(n)],
    bizStep: "assembling",
  });

async function provenance(item: string, headers: Record<string, string> = {}): Promise<Provenance> {
  const res = await t.fetch(`${t.base}/provenance?item=${encodeURIComponent(item)}`, { headers });
  expect(res.status).toBe(200);
  return (await res.json()) as Provenance;
}

beforeAll(async () => {
  t = await startTestApi({ attester: exampleDevice("provenance attester") });
  const org = await t.fetch(`${t.base}/organisations`, {
    method: "POST",
    headers: { ...admin, ...json },
    body: JSON.stringify({ id: "acme", name: "ACME Pharma", glns: ["4012345000009"] }),
  });
  expect(org.status).toBe(201);
  for (const [i, device] of reefers.entries()) {
    const res = await t.fetch(`${t.base}/devices`, {
      method: "POST",
      headers: { ...admin, ...json },
      // The GIAI in each of the three accepted forms.
      body: JSON.stringify({
        publicKey: bytesToHex(device.publicKey),
        label: `reefer-${i + 1}`,
        giai: [sensor(1), `https://example.com/8004/4012345REEFER2`, "4012345REEFER3"][i],
      }),
    });
    expect(res.status).toBe(201);
  }
  // Sensors report from minute 15 to minute 205; attached from 20 to 200.
  const steady = Array.from({ length: 191 }, () => 5);
  await storeTemperatures(reefers[0]!, 15, steady);
  await storeTemperatures(
    reefers[1]!,
    15,
    steady.map((c, i) => (i >= 60 && i < 120 ? 12 : c)),
  );
  await storeTemperatures(reefers[2]!, 15, steady, [100]);
  await capture(
    [
      event(0, {
        type: "ObjectEvent",
        action: "ADD",
        epcList: [product(1), product(2), product(3)],
        bizStep: "commissioning",
      }),
      ...[1, 2, 3].flatMap((n) => [aggregation(10, "ADD", n), association(20, "ADD", n)]),
      ...[1, 2, 3].flatMap((n) => [association(200, "DELETE", n), aggregation(210, "DELETE", n)]),
    ],
    "public",
  );
  await capture(
    [
      event(30, {
        type: "ObjectEvent",
        action: "OBSERVE",
        epcList: [pallet(1), pallet(2)],
        bizStep: "shipping",
      }),
    ],
    "private",
  );
  // The first batch (reefer 1's readings and the first ones of reefer 2) anchored on the configured target.
  const first = await t.store.sealBatch({
    root: `0x${"ab".repeat(32)}`,
    sealedAt: T0,
    lastN: 200,
    size: 200,
  });
  await t.store.putAnchor(EXAMPLE_TARGET, first.id, {
    status: "included",
    txHash: `0x${"cd".repeat(32)}`,
    blockNumber: 7,
    blockTimestamp: 1_767_600_000,
  });
});
afterAll(async () => {
  await t.close();
});

describe("GET /api/v1/provenance", () => {
  it("gives a product kept at 5 °C on a sensor-watched pallet compliant, with its events, units, sensor and readings", async () => {
    const p = await provenance(product(1));
    expect(p.format).toBe("sealtrail-provenance-v2");
    expect(p.coldChain.verdict).toBe("compliant");
    expect(p.units).toEqual([
      { unit: canonicalIdentifier(pallet(1)), from: T0 + 10 * MIN, to: T0 + 210 * MIN, via: [] },
    ]);
    expect(p.devices).toHaveLength(1);
    const [watch] = p.devices;
    expect(watch).toMatchObject({
      giai: "4012345REEFER1",
      device: reefers[0]!.address,
      complete: true,
      gaps: [],
    });
    // Minutes 20 to 200 inclusive, plus the edges before and after, compactly as rows (ids on request).
    expect(watch!.readings.count).toBe(181);
    expect(watch!.readings.columns).toEqual(["ts", "tempC", "batch"]);
    expect(watch!.readings.rows[0]).toEqual([T0 + 20 * MIN, 5, 1]);
    expect(watch!.readings.rows.map((r) => r[0])).toEqual(
      Array.from({ length: 181 }, (_, i) => T0 + (20 + i) * MIN),
    );
    expect(watch!.before).toEqual([T0 + 19 * MIN, 5, 1]);
    expect(watch!.after).toEqual([T0 + 201 * MIN, 5, 1]);
    expect(p.batches).toEqual({ "1": "included" });
  });

  it("gives each reading row its message id with ?readingIds=1: the ids of the stored readings, in time order", async () => {
    const res = await t.fetch(`${t.base}/provenance?item=${encodeURIComponent(product(1))}&readingIds=1`);
    expect(res.status).toBe(200);
    const [watch] = ((await res.json()) as Provenance).devices;
    expect(watch!.readings.columns).toEqual(["ts", "tempC", "batch", "messageId"]);
    const page = await t.fetch(`${t.base}/devices/${reefers[0]!.address}/readings?limit=1000`);
    const stored = ((await page.json()) as { readings: { messageId: string; seq: number }[] }).readings;
    const idOfSeq = new Map(stored.map((r) => [r.seq, r.messageId]));
    // Reefer 1 reported from minute 15 (seq 1): minute m is seq m - 14.
    expect(watch!.readings.rows.map((r) => r[3])).toEqual(
      Array.from({ length: 181 }, (_, i) => idOfSeq.get(20 + i - 14)),
    );
    expect(watch!.before).toEqual([T0 + 19 * MIN, 5, 1, idOfSeq.get(5)]);
    expect(watch!.after).toEqual([T0 + 201 * MIN, 5, 1, idOfSeq.get(187)]);
  });

  it("refuses a readingIds other than 0 or 1 (400 INVALID_QUERY), and sends no ETag for a document that is new each time", async () => {
    const item = encodeURIComponent(product(1));
    const bad = await t.fetch(`${t.base}/provenance?item=${item}&readingIds=yes`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("INVALID_QUERY");
    const off = await t.fetch(`${t.base}/provenance?item=${item}&readingIds=0`, {
      headers: { "Accept-Encoding": "identity" },
    });
    expect(off.status).toBe(200);
    expect(off.headers.get("etag")).toBeNull();
    expect(off.headers.get("content-encoding")).toBeNull();
    expect(off.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const body = await off.text();
    expect(Number(off.headers.get("content-length"))).toBe(Buffer.byteLength(body));
    expect((JSON.parse(body) as Provenance).devices[0]!.readings.columns).toEqual(["ts", "tempC", "batch"]);
  });

  it("gzips a large answer for a client that accepts it, to the same document", async () => {
    const url = `${t.base}/provenance?item=${encodeURIComponent(product(1))}&readingIds=1`;
    const plain = await t.fetch(url, { headers: { "Accept-Encoding": "identity" } });
    const plainBody = await plain.text();
    expect(Buffer.byteLength(plainBody)).toBeGreaterThanOrEqual(GZIP_MIN_BYTES);
    const zipped = await t.fetch(url, { headers: { "Accept-Encoding": "gzip" } });
    expect(zipped.headers.get("content-encoding")).toBe("gzip");
    expect(zipped.headers.get("vary")).toMatch(/Accept-Encoding/);
    expect(Number(zipped.headers.get("content-length"))).toBeLessThan(Buffer.byteLength(plainBody) / 2);
    // fetch has gunzipped it: the same answer but for the moment it was made.
    const again = (await zipped.json()) as Provenance & { generatedAt: number };
    expect({ ...again, generatedAt: 0 }).toEqual({ ...JSON.parse(plainBody), generatedAt: 0 });
  });

  it("gives the product on the pallet whose reefer spent an hour at 12 °C excursion, with its peak and duration", async () => {
    const p = await provenance(product(2));
    expect(p.coldChain.verdict).toBe("excursion");
    expect(p.coldChain.excursions).toEqual([
      expect.objectContaining({ durationMs: 60 * MIN, peakC: 12, exceedsSingleLimit: true }),
    ]);
    // Readings after the first batch are not sealed yet: pending, and said so per row (batch null).
    expect(p.devices[0]!.readings.rows.some((r) => r[2] === null)).toBe(true);
  });

  it("calls a journey whose sensor missed one reading incomplete, naming the missing seq", async () => {
    const p = await provenance(product(3));
    expect(p.devices[0]!.complete).toBe(false);
    expect(p.devices[0]!.gaps.map((g) => g.reason)).toEqual(["missing-seq"]);
    expect(p.coldChain.verdict).toBe("incomplete");
  });

  it("shows the public a private event only as its hash ID, message id and anchor state; the admin sees it whole", async () => {
    const open = await provenance(product(1));
    const shippingHidden = open.events.filter((e) => !e.visible);
    expect(shippingHidden).toEqual([
      {
        visible: false,
        hashId: expect.stringMatching(/^ni:\/\/\/sha-256;/),
        messageId: expect.any(String),
        batch: null,
        status: "pending",
      },
    ]);
    expect(open.events.filter((e) => e.visible).map((e) => e.type)).toEqual([
      "ObjectEvent",
      "AggregationEvent",
      "AssociationEvent",
      "AssociationEvent",
      "AggregationEvent",
    ]);
    const full = await provenance(product(1), admin);
    expect(full.access).toBe("admin");
    expect(full.events.map((e) => e.bizStep)).toEqual([
      "commissioning",
      "packing",
      "assembling",
      "shipping",
      "assembling",
      "packing",
    ]);
    expect(full.events.find((e) => e.bizStep === "shipping")!.hashId).toBe(shippingHidden[0]!.hashId);
  });

  it("finds the same provenance from an EPC URN, a Digital Link on any domain and the /01/{gtin}/21/{serial} path", async () => {
    const byUrn = await provenance(product(2));
    const byLink = await provenance(`https://example.com/01/${GTIN}/21/P2`);
    const byPath = (await (await t.fetch(`${t.base}/provenance/01/${GTIN}/21/P2`)).json()) as Provenance;
    for (const other of [byLink, byPath]) {
      expect({ ...other, generatedAt: 0 }).toEqual({
        ...byUrn,
        generatedAt: 0,
        coldChain: expect.anything(),
      });
      expect(other.coldChain.verdict).toBe(byUrn.coldChain.verdict);
    }
  });

  it("refuses an item that is no GS1 identifier (400), a wrong token (403), and answers 404 for an item no event names", async () => {
    expect((await t.fetch(`${t.base}/provenance?item=hello`)).status).toBe(400);
    expect((await t.fetch(`${t.base}/provenance/01/${GTIN.slice(0, 13)}9/21/P1`)).status).toBe(400);
    expect(
      (
        await t.fetch(`${t.base}/provenance?item=${encodeURIComponent(product(1))}`, {
          headers: { Authorization: "Bearer not-the-admin-token" },
        })
      ).status,
    ).toBe(403);
    const unknown = await t.fetch(`${t.base}/provenance?item=${encodeURIComponent(product(9))}`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("ITEM_NOT_FOUND");
  });
});

describe("provenance as an organisation sees it", () => {
  /** A credential of a new organisation (no locations), as its systems would hold it. */
  async function organisation(id: string): Promise<Record<string, string>> {
    const created = await t.fetch(`${t.base}/organisations`, {
      method: "POST",
      headers: { ...admin, ...json },
      body: JSON.stringify({ id, name: id, glns: [] }),
    });
    expect(created.status).toBe(201);
    const res = await t.fetch(`${t.base}/organisations/${id}/credentials`, {
      method: "POST",
      headers: { ...admin, ...json },
      body: JSON.stringify({ label: "provenance test" }),
    });
    expect(res.status).toBe(201);
    return { Authorization: `Bearer ${((await res.json()) as { token: string }).token}` };
  }

  /** Captures private events with an organisation's own credential. */
  async function captureAs(headers: Record<string, string>, events: Record<string, unknown>[]) {
    const res = await t.fetch(`${t.api.url}/epcis/capture`, {
      method: "POST",
      headers: { ...headers, ...json },
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
        await t.fetch(`${t.api.url}${res.headers.get("location")}`, { headers })
      ).json()) as { running: boolean; errors: unknown[] };
      if (!job.running) return expect(job.errors).toEqual([]);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it("shows an organisation its own private events and those about objects it captured events for; others see hashes", async () => {
    const maker = await organisation("maker5");
    const carrier = await organisation("carrier5");
    // The maker commissions P5, packs it on pallet 5 and ships the pallet; the carrier observes P5. All private.
    await captureAs(maker, [
      event(0, { type: "ObjectEvent", action: "ADD", epcList: [product(5)], bizStep: "commissioning" }),
      aggregation(10, "ADD", 5),
      event(30, { type: "ObjectEvent", action: "OBSERVE", epcList: [pallet(5)], bizStep: "shipping" }),
    ]);
    await captureAs(carrier, [
      event(40, { type: "ObjectEvent", action: "OBSERVE", epcList: [product(5)], bizStep: "receiving" }),
    ]);
    const shown = (p: Provenance) => p.events.map((e) => (e.visible ? e.bizStep : "hash"));

    // The maker captured every event but the carrier's, which is about P5, an object the maker captured.
    const byMaker = await provenance(product(5), maker);
    expect(byMaker.access).toBe("organisation");
    expect(shown(byMaker)).toEqual(["commissioning", "packing", "shipping", "receiving"]);
    // The carrier captured an event about P5, so P5's events are part of what it sees, and so is the pallet
    // that held it; the pallet's own shipping names no object the carrier captured: a hash, still listed.
    expect(shown(await provenance(product(5), carrier))).toEqual([
      "commissioning",
      "packing",
      "hash",
      "receiving",
    ]);
    // The public sees the events naming P5 as hashes, and learns nothing of the pallet.
    const open = await provenance(product(5));
    expect(shown(open)).toEqual(["hash", "hash", "hash"]);
    expect(open.units).toEqual([]);
    // What each hash stands for is the same event the maker sees whole.
    expect(open.events.map((e) => e.hashId)).toEqual(
      byMaker.events.filter((e) => e.bizStep !== "shipping").map((e) => e.hashId),
    );
  });
});

describe("a sensor whose key is rotated during the journey", () => {
  it("keeps its GIAI on the new key, and the provenance follows it: both keys' readings over the stretch, complete", async () => {
    const [before, after] = [
      exampleDevice("provenance reefer 4 key 1"),
      exampleDevice("provenance reefer 4 key 2"),
    ];
    const res = await t.fetch(`${t.base}/devices`, {
      method: "POST",
      headers: { ...admin, ...json },
      body: JSON.stringify({ publicKey: bytesToHex(before.publicKey), label: "reefer-4", giai: sensor(4) }),
    });
    expect(res.status).toBe(201);
    // Key 1 reports from minute 15 to 100; it is rotated at minute 100 (the journey's time, so through the
    // store: the route rotates at the wall clock's now); key 2 reports from 101 to 205, its own seq from 1.
    await storeTemperatures(
      before,
      15,
      Array.from({ length: 86 }, () => 5),
    );
    const rotated = await t.store.rotateDevice({
      from: before.address,
      to: { address: after.address, publicKey: after.publicKey, label: "reefer-4" },
      at: T0 + 100 * MIN,
    });
    expect(rotated).toMatchObject({ status: "rotated", to: { giai: "4012345REEFER4" } });
    await storeTemperatures(
      after,
      101,
      Array.from({ length: 105 }, () => 6),
    );
    await capture(
      [
        event(0, { type: "ObjectEvent", action: "ADD", epcList: [product(4)], bizStep: "commissioning" }),
        aggregation(10, "ADD", 4),
        association(20, "ADD", 4),
        association(200, "DELETE", 4),
        aggregation(210, "DELETE", 4),
      ],
      "public",
    );
    const p = await provenance(product(4));
    expect(p.devices).toHaveLength(1);
    const [watch] = p.devices as (Provenance["devices"][number] & { keys: unknown })[];
    expect(watch).toMatchObject({ device: after.address, complete: true, gaps: [] });
    expect(watch!.keys).toEqual([
      { address: before.address, from: T0 + 20 * MIN, to: T0 + 100 * MIN },
      { address: after.address, from: T0 + 100 * MIN, to: T0 + 200 * MIN },
    ]);
    // Minutes 20…100 signed by key 1, 101…200 by key 2.
    expect(watch!.readings.count).toBe(81 + 100);
    expect(watch!.readings.rows.map((r) => r[1])).toEqual([...Array(81).fill(5), ...Array(100).fill(6)]);
    expect(p.coldChain.verdict).toBe("compliant");
  });
});

describe("temperature profiles", () => {
  it("applies the configured default until the GTIN gets its own, which then decides the verdict", async () => {
    const before = (await (await t.fetch(`${t.base}/profiles/${GTIN}`)).json()) as Provenance["profile"];
    expect(before).toMatchObject({ source: "configured", profile: { minC: 2, maxC: 8 } });
    const wide = {
      name: "2–15 °C",
      minC: 2,
      maxC: 15,
      maxSingleExcursionMs: 30 * MIN,
      maxCumulativeExcursionMs: 60 * MIN,
    };
    const put = await t.fetch(`${t.base}/profiles/${GTIN}`, {
      method: "PUT",
      headers: { ...admin, ...json },
      body: JSON.stringify(wide),
    });
    expect(put.status).toBe(201);
    expect(await put.json()).toMatchObject({ source: "gtin", gtin: GTIN, profile: wide });
    const again = await t.fetch(`${t.base}/profiles/${GTIN}`, {
      method: "PUT",
      headers: { ...admin, ...json },
      body: JSON.stringify(wide),
    });
    expect(again.status).toBe(200);
    const p = await provenance(product(2));
    expect(p.profile.source).toBe("gtin");
    expect(p.coldChain.verdict).toBe("compliant");
  });

  it("refuses a profile without the admin token, a bad GTIN, and a body whose range is upside down", async () => {
    const body = JSON.stringify({
      name: "x",
      minC: 8,
      maxC: 2,
      maxSingleExcursionMs: 0,
      maxCumulativeExcursionMs: 0,
    });
    expect((await t.fetch(`${t.base}/profiles/default`, { method: "PUT", headers: json, body })).status).toBe(
      401,
    );
    expect((await t.fetch(`${t.base}/profiles/12345`)).status).toBe(400);
    const upsideDown = await t.fetch(`${t.base}/profiles/default`, {
      method: "PUT",
      headers: { ...admin, ...json },
      body,
    });
    expect(upsideDown.status).toBe(400);
    expect(((await upsideDown.json()) as { error: { code: string } }).error.code).toBe("INVALID_BODY");
  });
});

describe("device GIAIs", () => {
  it("shows the GIAI of a device registered with one, and refuses it to a second device (409) and a malformed one (400)", async () => {
    const shown = (await (await t.fetch(`${t.base}/devices/${reefers[1]!.address}`)).json()) as {
      giai: string;
    };
    expect(shown.giai).toBe("4012345REEFER2");
    const other = exampleDevice("provenance other");
    const register = (giai: string) =>
      t.fetch(`${t.base}/devices`, {
        method: "POST",
        headers: { ...admin, ...json },
        body: JSON.stringify({ publicKey: bytesToHex(other.publicKey), label: "other", giai }),
      });
    const taken = await register("4012345REEFER2");
    expect(taken.status).toBe(409);
    expect(((await taken.json()) as { error: { code: string } }).error.code).toBe("GIAI_TAKEN");
    const bad = await register("12REEFER");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("INVALID_GIAI");
    expect(await t.store.getDevice(other.address)).toBeUndefined();
  });
});
