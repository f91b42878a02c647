import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { eventHashId, eventsOfEpcisDocument } from "#gs1";
import { deviceIdentityFromPrivateKey, keccak256 } from "#protocol";
import { EXAMPLE_ADMIN_TOKEN, startTestApi, type TestApi } from "./testing/index.ts";

// EXAMPLE keys from public labels: never use such keys for real.
const attester = deviceIdentityFromPrivateKey(
  keccak256(new TextEncoder().encode("EXAMPLE key query attester")),
);
const ACME_GLN = "4012345000009"; // urn:epc:id:sgln:4012345.00000.0
const BETA_GLN = "4012345000016"; // urn:epc:id:sgln:4012345.00001.0
const admin = { Authorization: `Bearer ${EXAMPLE_ADMIN_TOKEN}` };
const EXAMPLES = join(process.cwd(), "..", "shared", "reference", "gs1-epcis", "examples");

const sgtin = (serial: string) => `urn:epc:id:sgtin:4012345.011111.${serial}`;
const dl = (serial: string) => `https://id.gs1.org/01/04012345111118/21/${serial}`;
const sgln = (gln: string, ext = "0") => `urn:epc:id:sgln:4012345.${gln.slice(7, 12)}.${ext}`;

type Doc = { epcisBody: { queryResults: { resultsBody: { eventList: Record<string, unknown>[] } } } };

let t: TestApi;
let epcis: string;
const tokens: Record<string, string> = {};

function objectEvent(serial: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: "ObjectEvent",
    eventTime: "2026-01-05T10:00:00.000+01:00",
    eventTimeZoneOffset: "+01:00",
    epcList: [sgtin(serial)],
    action: "OBSERVE",
    bizStep: "shipping",
    readPoint: { id: sgln(ACME_GLN) },
    ...extra,
  };
}

const document = (events: unknown[], context: unknown = []) => ({
  "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", ...(context as unknown[])],
  type: "EPCISDocument",
  schemaVersion: "2.0",
  creationDate: "2026-01-05T11:00:00.000Z",
  epcisBody: { eventList: events },
});

/** Captures a document and waits for its job; returns the eventIDs captured, in document order. */
async function capture(
  doc: unknown,
  as: { organisation: string; admin?: boolean; visibility?: "public" | "private"; proceed?: boolean },
): Promise<{ captured: { index: number; eventID: string }[]; errors: { index: number; code: string }[] }> {
  const query = as.admin ? `?organisation=${as.organisation}&visibility=${as.visibility ?? "private"}` : "";
  const auth = as.admin ? admin : { Authorization: `Bearer ${tokens[as.organisation]}` };
  const headers: Record<string, string> = { ...auth, "Content-Type": "application/json" };
  if (as.proceed) headers["GS1-Capture-Error-Behaviour"] = "proceed";
  const res = await t.fetch(`${epcis}/capture${query}`, {
    method: "POST",
    headers,
    body: JSON.stringify(doc),
  });
  expect(res.status).toBe(202);
  for (;;) {
    const job = (await (
      await t.fetch(`${t.api.url}${res.headers.get("location")}`, { headers: auth })
    ).json()) as {
      running: boolean;
      captured: { index: number; eventID: string }[];
      errors: { index: number; code: string }[];
    };
    if (!job.running) return job;
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function query(
  params: string,
  headers: Record<string, string> = admin,
  path = "/events",
): Promise<{ res: Response; events: Record<string, unknown>[] }> {
  const res = await t.fetch(`${epcis}${path}${params}`, { headers });
  const events =
    res.status === 200 ? ((await res.json()) as Doc).epcisBody.queryResults.resultsBody.eventList : [];
  return { res, events };
}
const serialsOf = (events: Record<string, unknown>[]) =>
  events.map((e) =>
    String((e.epcList as string[] | undefined)?.[0] ?? e.parentID)
      .split(/[./]/)
      .pop(),
  );

beforeAll(async () => {
  t = await startTestApi({ attester });
  epcis = `${t.api.url}/epcis`;
  for (const [id, gln] of [
    ["acme", ACME_GLN],
    ["beta", BETA_GLN],
  ] as const) {
    const created = await t.fetch(`${t.base}/organisations`, {
      method: "POST",
      headers: { ...admin, "Content-Type": "application/json" },
      body: JSON.stringify({ id, name: id, glns: [gln] }),
    });
    expect(created.status).toBe(201);
    const credential = await t.fetch(`${t.base}/organisations/${id}/credentials`, {
      method: "POST",
      headers: { ...admin, "Content-Type": "application/json" },
      body: JSON.stringify({ label: "ERP" }),
    });
    tokens[id] = ((await credential.json()) as { token: string }).token;
  }
  await t.fetch(`${t.base}/organisations`, {
    method: "POST",
    headers: { ...admin, "Content-Type": "application/json" },
    body: JSON.stringify({ id: "examples", name: "GS1 examples", glns: [] }),
  });
  // acme's private events: shipping at its dock 0, receiving at its sub-location 7, a later one, a pallet.
  await capture(
    document([
      objectEvent("1", { eventTime: "2026-01-05T08:00:00Z" }),
      objectEvent("2", {
        eventTime: "2026-01-06T08:00:00Z",
        bizStep: "https://ref.gs1.org/cbv/BizStep-receiving",
        disposition: "https://ref.gs1.org/cbv/Disp-in_progress",
        readPoint: { id: sgln(ACME_GLN, "7") },
        bizLocation: { id: `https://id.gs1.org/414/${ACME_GLN}` },
      }),
      objectEvent("3", { eventTime: "2026-01-07T08:00:00Z", action: "ADD", bizStep: "commissioning" }),
      {
        type: "AggregationEvent",
        eventTime: "2026-01-07T09:00:00Z",
        eventTimeZoneOffset: "+00:00",
        parentID: "urn:epc:id:sscc:4012345.0000000001",
        childEPCs: [sgtin("3")],
        childQuantityList: [{ epcClass: "urn:epc:class:lgtin:4012345.011111.LOT9", quantity: 5 }],
        action: "ADD",
        bizStep: "packing",
        readPoint: { id: sgln(ACME_GLN) },
      },
    ]),
    { organisation: "acme" },
  );
  // beta's: one private about acme's product 1 (so acme sees it), one private of its own, one public, sensors.
  await capture(
    document([
      objectEvent("1", { eventTime: "2026-01-08T08:00:00Z", readPoint: { id: sgln(BETA_GLN) } }),
      objectEvent("90", { eventTime: "2026-01-08T09:00:00Z", readPoint: { id: sgln(BETA_GLN) } }),
      objectEvent("91", {
        eventTime: "2026-01-08T10:00:00Z",
        readPoint: { id: sgln(BETA_GLN) },
        bizStep: "sensor_reporting",
        sensorElementList: [
          {
            sensorMetadata: { deviceID: "urn:epc:id:giai:4012345.SENSOR1" },
            sensorReport: [{ type: "gs1:Temperature", value: 26.85, uom: "CEL" }],
          },
        ],
      }),
      objectEvent("92", {
        eventTime: "2026-01-08T11:00:00Z",
        readPoint: { id: sgln(BETA_GLN) },
        bizStep: "sensor_reporting",
        sensorElementList: [
          {
            sensorReport: [
              { type: "Temperature", value: 80.33, uom: "FAH", deviceID: "urn:epc:id:giai:4012345.SENSOR2" },
              { type: "RelativeHumidity", value: 40, uom: "P1" },
            ],
          },
        ],
      }),
    ]),
    { organisation: "beta" },
  );
  // Made public by the operator (admin), beta's events 91 and 92 stay private: only 93 is public.
  await capture(document([objectEvent("93", { readPoint: { id: sgln(BETA_GLN) } })]), {
    organisation: "beta",
    admin: true,
    visibility: "public",
  });
});
afterAll(async () => {
  await t.close();
});

describe("GET /epcis/events", () => {
  it("answers an EPCISQueryDocument in event-time order with GS1's version headers", async () => {
    const { res, events } = await query("");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/ld\+json/);
    expect(res.headers.get("gs1-epcis-version")).toBe("2.0.0");
    expect(res.headers.get("gs1-cbv-version")).toBe("2.0.0");
    expect(events).toHaveLength(9);
    const times = events.map((e) => Date.parse(String(e.eventTime)));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(events[0]).toMatchObject({
      eventID: expect.stringMatching(/^ni:/),
      recordTime: expect.any(String),
    });
  });

  it("finds an EPC given as an EPC URN or as a Digital Link, by role", async () => {
    for (const id of [sgtin("1"), dl("1"), encodeURIComponent(dl("1"))]) {
      const { events } = await query(`?MATCH_epc=${id.includes("%") ? id : encodeURIComponent(id)}`);
      expect(events.map((e) => e.eventTime)).toEqual(["2026-01-05T08:00:00Z", "2026-01-08T08:00:00Z"]);
    }
    const child = await query(`?MATCH_epc=${encodeURIComponent(sgtin("3"))}`);
    expect(child.events.map((e) => e.type)).toEqual(["ObjectEvent", "AggregationEvent"]);
    const parent = await query(
      `?MATCH_parentID=${encodeURIComponent("https://id.gs1.org/00/040123450000000016")}`,
    );
    expect(parent.events.map((e) => e.type)).toEqual(["AggregationEvent"]);
    const anyEpc = await query(`?MATCH_anyEPC=${encodeURIComponent("urn:epc:id:sscc:4012345.0000000001")}`);
    expect(anyEpc.events).toHaveLength(1);
    const lot = await query(
      `?MATCH_epcClass=${encodeURIComponent("https://id.gs1.org/01/04012345111118/10/LOT9")}`,
    );
    expect(lot.events.map((e) => e.type)).toEqual(["AggregationEvent"]);
    expect((await query(`?MATCH_inputEPC=${encodeURIComponent(sgtin("1"))}`)).events).toEqual([]);
    const byPath = await query("", admin, `/epcs/${encodeURIComponent(sgtin("3"))}/events`);
    expect(byPath.events).toHaveLength(2);
  });

  it("filters by time windows, action, bizStep and disposition as bare words or URIs, and event type", async () => {
    const window = await query("?GE_eventTime=2026-01-06T00:00:00Z&LT_eventTime=2026-01-07T08:00:00Z");
    expect(serialsOf(window.events)).toEqual(["2"]);
    const inclusive = await query("?GE_eventTime=2026-01-07T08:00:00Z&LT_eventTime=2026-01-07T09:00:00.001Z");
    expect(inclusive.events).toHaveLength(2);
    expect((await query("?EQ_bizStep=receiving")).events).toHaveLength(1);
    expect((await query("?EQ_bizStep=urn:epcglobal:cbv:bizstep:receiving")).events).toHaveLength(1);
    expect((await query("?EQ_disposition=in_progress")).events).toHaveLength(1);
    expect((await query("?EQ_bizStep=commissioning|packing")).events).toHaveLength(2);
    expect((await query("?EQ_action=ADD&eventType=AggregationEvent")).events).toHaveLength(1);
    expect(
      (await query("?GE_recordTime=2000-01-01T00:00:00Z&LT_recordTime=2001-01-01T00:00:00Z")).events,
    ).toEqual([]);
    const byBizStepAndTime = await query(
      "?EQ_bizStep=shipping&GE_eventTime=2026-01-08T00:00:00Z&LT_eventTime=2026-01-08T09:30:00Z",
    );
    expect(serialsOf(byBizStepAndTime.events)).toEqual(["1", "90"]);
  });

  it("matches a read point exactly with EQ_, and a GLN with any extension with WD_", async () => {
    const exact = await query(`?EQ_readPoint=${encodeURIComponent(sgln(ACME_GLN))}`);
    expect(serialsOf(exact.events)).toEqual(["1", "3", "0000000001"]);
    const within = await query(`?WD_readPoint=${encodeURIComponent(`https://id.gs1.org/414/${ACME_GLN}`)}`);
    expect(serialsOf(within.events)).toEqual(["1", "2", "3", "0000000001"]);
    const sub = await query(`?EQ_readPoint=${encodeURIComponent(sgln(ACME_GLN, "7"))}`);
    expect(serialsOf(sub.events)).toEqual(["2"]);
    expect((await query(`?WD_bizLocation=${encodeURIComponent(sgln(ACME_GLN))}`)).events).toHaveLength(1);
  });

  it("compares temperatures across units: a KEL query finds CEL and FAH data", async () => {
    // 26.85 °C = 300 K; 80.33 °F = 300 K.
    expect(serialsOf((await query("?GE_value_KEL=299.99&LT_value_KEL=300.01")).events)).toEqual(["91", "92"]);
    expect(serialsOf((await query("?GE_value_CEL=26.85")).events)).toEqual(["91", "92"]);
    expect(serialsOf((await query("?LT_value_FAH=80.33")).events)).toEqual([]);
    expect(serialsOf((await query("?GE_value_KEL=300.5")).events)).toEqual([]);
    expect(serialsOf((await query("?GE_value_P1=30&EQ_type=RelativeHumidity")).events)).toEqual(["92"]);
    // The conditions hold for one report: the humidity report is no temperature.
    expect(serialsOf((await query("?GE_value_P1=30&EQ_type=Temperature")).events)).toEqual([]);
    expect(serialsOf((await query("?EQ_type=https://gs1.org/voc/Temperature")).events)).toEqual(["91", "92"]);
    const device = await query(
      `?EQ_deviceID=${encodeURIComponent("https://id.gs1.org/8004/4012345SENSOR2")}`,
    );
    expect(serialsOf(device.events)).toEqual(["92"]);
    const metadataDevice = await query(
      `?EQ_deviceID=${encodeURIComponent("urn:epc:id:giai:4012345.SENSOR1")}`,
    );
    expect(serialsOf(metadataDevice.events)).toEqual(["91"]);
  });

  it("pages with perPage and an opaque nextPageToken in Link, tied to its query", async () => {
    const seen: string[] = [];
    let next: string | null = "/epcis/events?perPage=4";
    let pages = 0;
    while (next) {
      const res = await t.fetch(`${t.api.url}${next}`, { headers: admin });
      const events = ((await res.json()) as Doc).epcisBody.queryResults.resultsBody.eventList;
      seen.push(...events.map((e) => String(e.eventID)));
      next = /^<([^>]+)>; rel="next"$/.exec(res.headers.get("link") ?? "")?.[1] ?? null;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual((await query("")).events.map((e) => String(e.eventID)));
    const first = await query("?perPage=2&EQ_bizStep=shipping");
    const token = /nextPageToken=([^&>]+)/.exec(first.res.headers.get("link") ?? "")![1]!;
    const other = await query(`?perPage=2&EQ_bizStep=receiving&nextPageToken=${token}`);
    expect(other.res.status).toBe(400);
    expect(await other.res.json()).toMatchObject({
      type: "epcisException:QueryParameterException",
      code: "EPCIS_INVALID_PAGE_TOKEN",
    });
    expect((await query("?nextPageToken=bm90LWEtdG9rZW4")).res.status).toBe(400);
    expect((await query("?perPage=1000000")).events).toHaveLength(9);
  });

  it.each([
    ["an unknown parameter", "?EQ_colour=red"],
    ["a time without a zone", "?GE_eventTime=2026-01-05T10:00:00"],
    ["an unknown event type", "?eventType=MagicEvent"],
    ["a bad action", "?EQ_action=MOVE"],
    ["a non-numeric value bound", "?GE_value_CEL=warm"],
    ["perPage 0", "?perPage=0"],
    [
      "a single-valued parameter twice",
      "?GE_eventTime=2026-01-05T10:00:00Z&GE_eventTime=2026-01-06T10:00:00Z",
    ],
  ])("refuses %s with a QueryParameterException problem", async (_what, params) => {
    const { res } = await query(params);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 400, type: "epcisException:QueryParameterException" });
  });

  it("writes identifiers as GS1-EPC-Format asks", async () => {
    const ask = async (format?: string) =>
      (await query(`?EQ_bizStep=packing`, format ? { ...admin, "GS1-EPC-Format": format } : admin))
        .events[0]!;
    expect(await ask()).toMatchObject({ parentID: "urn:epc:id:sscc:4012345.0000000001" });
    expect(await ask("Always_EPC_URN")).toMatchObject({ childEPCs: [sgtin("3")] });
    expect(await ask("Always_GS1_Digital_Link")).toMatchObject({
      parentID: "https://id.gs1.org/00/040123450000000016",
      childEPCs: [dl("3")],
      childQuantityList: [{ epcClass: "https://id.gs1.org/01/04012345111118/10/LOT9", quantity: 5 }],
      readPoint: { id: `https://id.gs1.org/414/${ACME_GLN}` },
    });
    const bad = await query("", { ...admin, "GS1-EPC-Format": "Always_Barcode" });
    expect(bad.res.status).toBe(400);
  });
});

describe("who sees what", () => {
  const as = (org: string) => ({ Authorization: `Bearer ${tokens[org]}` });

  it("shows anonymous callers the public events only", async () => {
    expect(serialsOf((await query("", {})).events)).toEqual(["93"]);
  });

  it("shows an organisation its events, public ones and others' events about objects it captured", async () => {
    expect(serialsOf((await query("", as("acme"))).events)).toEqual(["1", "93", "2", "3", "0000000001", "1"]);
    const product1 = await query(`?MATCH_epc=${encodeURIComponent(sgtin("1"))}`, as("acme"));
    expect(product1.events.map((e) => e.readPoint)).toEqual([{ id: sgln(ACME_GLN) }, { id: sgln(BETA_GLN) }]);
  });

  it("never shows one organisation another's private event about objects it has no event for", async () => {
    const acme = await query("", as("acme"));
    const privateBeta = ["90", "91", "92"];
    expect(serialsOf(acme.events).filter((s) => privateBeta.includes(s!))).toEqual([]);
    const all = (await query("?EQ_bizStep=sensor_reporting")).events;
    for (const e of all) {
      const id = encodeURIComponent(String(e.eventID));
      expect((await t.fetch(`${epcis}/events/${id}`, { headers: as("acme") })).status).toBe(404);
      expect((await t.fetch(`${epcis}/events/${id}`, { headers: as("beta") })).status).toBe(200);
      expect((await query(`?EQ_eventID=${id}`, as("acme"))).events).toEqual([]);
    }
    const byPath = await query("", as("acme"), `/epcs/${encodeURIComponent(sgtin("90"))}/events`);
    expect(byPath.events).toEqual([]);
    expect((await query("", as("beta"))).events.length).toBeGreaterThan(acme.events.length - 3);
  });

  it("refuses a credential that is given but not valid (403) or malformed (401) instead of answering as anonymous", async () => {
    const { res } = await query("", { Authorization: "Bearer stk_not-a-credential" });
    expect(res.status).toBe(403);
    expect((await query("", { Authorization: "Basic eDp5" })).res.status).toBe(401);
  });
});

describe("GET /epcis/events/{eventID}, /epcis/eventTypes", () => {
  it("finds an event by its eventID or hash ID, URL-encoded, where the capture's Location points", async () => {
    const posted = await t.fetch(`${epcis}/events`, {
      method: "POST",
      headers: { Authorization: `Bearer ${tokens.acme}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        ...objectEvent("77"),
        eventID: "urn:uuid:6f1d7a2e-2a7b-4a47-9bd5-0d8a0c0c0c77",
      }),
    });
    expect(posted.status).toBe(201);
    const location = posted.headers.get("location")!;
    const res = await t.fetch(`${t.api.url}${location}`, {
      headers: { Authorization: `Bearer ${tokens.acme}` },
    });
    expect(res.status).toBe(200);
    const event = (await res.json()) as Record<string, unknown>;
    expect(event).toMatchObject({
      eventID: "urn:uuid:6f1d7a2e-2a7b-4a47-9bd5-0d8a0c0c0c77",
      epcList: [sgtin("77")],
    });
    const stored = await t.store.findEvent({ eventId: String(event.eventID) });
    const byHash = await t.fetch(`${epcis}/events/${encodeURIComponent(stored!.eventHash)}`, {
      headers: admin,
    });
    expect(((await byHash.json()) as Record<string, unknown>).eventID).toBe(event.eventID);
    expect(
      (await t.fetch(`${epcis}/events/${encodeURIComponent("urn:uuid:nope")}`, { headers: admin })).status,
    ).toBe(404);
  });

  it("lists the five EPCIS event types", async () => {
    const res = await t.fetch(`${epcis}/eventTypes`);
    expect(((await res.json()) as { member: string[] }).member).toEqual([
      "ObjectEvent",
      "AggregationEvent",
      "TransactionEvent",
      "TransformationEvent",
      "AssociationEvent",
    ]);
  });
});

describe("GS1's example documents", () => {
  it("captures every EPCISDocument example and queries each event back by its eventID or hash with the same content", async () => {
    const files = readdirSync(EXAMPLES).filter((f) => f.endsWith(".jsonld"));
    let checked = 0;
    const refused: string[] = [];
    for (const file of files) {
      const doc = JSON.parse(readFileSync(join(EXAMPLES, file), "utf8")) as {
        type: string;
        epcisBody: { eventList: Record<string, unknown>[] };
      };
      if (doc.type !== "EPCISDocument") continue;
      const job = await capture(doc, { organisation: "examples", admin: true, proceed: true });
      // Several examples repeat an event of another (the same hash ID): stored once, found all the same.
      for (const e of job.errors.filter((e) => e.code !== "EPCIS_DUPLICATE_EVENT"))
        refused.push(`${file}#${e.index}: ${e.code}`);
      const { options } = eventsOfEpcisDocument(doc);
      for (const [index, original] of doc.epcisBody.eventList.entries()) {
        const hash = eventHashId(original, options);
        const captured = job.captured.find((c) => c.index === index);
        if (refused.some((r) => r.startsWith(`${file}#${index}:`))) continue;
        // By its hash ID, which is unique: two examples give one eventID to different events, and a repeated
        // event is stored once (the copy stored first answers, whose own hash is the same).
        const res = await t.fetch(`${epcis}/events/${encodeURIComponent(hash)}`, { headers: admin });
        if (captured) {
          const byId = await t.fetch(`${epcis}/events/${encodeURIComponent(captured.eventID)}`, {
            headers: admin,
          });
          expect([file, index, byId.status]).toEqual([file, index, 200]);
        }
        expect([file, index, res.status]).toEqual([file, index, 200]);
        const {
          "@context": _context,
          recordTime,
          ...content
        } = (await res.json()) as Record<string, unknown>;
        if (original.recordTime === undefined) expect(typeof recordTime).toBe("string");
        else content.recordTime = recordTime;
        if (captured) {
          expect([file, index, content]).toEqual([file, index, { ...original, eventID: captured.eventID }]);
          expect(captured.eventID).toBe(original.eventID ?? hash);
        } else expect([file, index, eventHashId(content, options)]).toEqual([file, index, hash]);
        checked++;
      }
    }
    // Every event is captured (a GSRN, a scheme gs1/ does not parse, is taken as EPCIS allows) and read back.
    expect(refused).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(40);
  });
});
