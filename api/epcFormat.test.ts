import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { gs1CheckDigit } from "#gs1";
import { EXAMPLE_ADMIN_TOKEN, exampleDevice, startTestApi, type TestApi } from "./testing/index.ts";

// A repository that knows one GS1 Company Prefix (4012345) holds events captured with Digital Links: those
// under the known prefix are answered as EPC URNs on request; one under a prefix it does not know
// (9521234) makes an Always_EPC_URN answer a 406 that names it, never a URN split at a guessed place.
const admin = { Authorization: `Bearer ${EXAMPLE_ADMIN_TOKEN}` };
const UNKNOWN_GTIN = `0952123454321${gs1CheckDigit("0952123454321")}`;
const known = (serial: string) => `https://id.gs1.org/01/04012345111118/21/${serial}`;
const unknown = `https://id.gs1.org/01/${UNKNOWN_GTIN}/21/Z9`;

let t: TestApi;
let ids: string[];

const shipping = (epcs: string[], bizStep: string) => ({
  type: "ObjectEvent",
  eventTime: "2026-03-01T10:00:00.000Z",
  eventTimeZoneOffset: "+00:00",
  epcList: epcs,
  action: "OBSERVE",
  bizStep,
  readPoint: { id: "https://id.gs1.org/414/4012345000009" },
});

async function query(params: string, format?: string) {
  return t.fetch(`${t.api.url}/epcis/events${params}`, {
    headers: { ...admin, ...(format ? { "GS1-EPC-Format": format } : {}) },
  });
}

beforeAll(async () => {
  t = await startTestApi({ attester: exampleDevice("epc format attester"), gs1CompanyPrefixes: ["4012345"] });
  const org = await t.fetch(`${t.base}/organisations`, {
    method: "POST",
    headers: { ...admin, "Content-Type": "application/json" },
    body: JSON.stringify({ id: "acme", name: "ACME", glns: [] }),
  });
  expect(org.status).toBe(201);
  ids = [];
  for (const event of [
    shipping([known("A1"), "urn:epc:id:sgtin:4012345.011111.U1"], "shipping"),
    shipping([unknown], "receiving"),
  ]) {
    const res = await t.fetch(`${t.api.url}/epcis/events?organisation=acme`, {
      method: "POST",
      headers: { ...admin, "Content-Type": "application/ld+json" },
      body: JSON.stringify({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        ...event,
      }),
    });
    expect(res.status).toBe(201);
    ids.push(((await res.json()) as { eventID: string }).eventID);
  }
});
afterAll(async () => {
  await t.close();
});

describe("GS1-EPC-Format: Always_EPC_URN", () => {
  it("writes a Digital Link as an EPC URN when a known company prefix starts its key, and keeps URNs", async () => {
    const res = await query("?EQ_bizStep=shipping", "Always_EPC_URN");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      epcisBody: { queryResults: { resultsBody: { eventList: Record<string, unknown>[] } } };
    };
    expect(doc.epcisBody.queryResults.resultsBody.eventList[0]).toMatchObject({
      epcList: ["urn:epc:id:sgtin:4012345.011111.A1", "urn:epc:id:sgtin:4012345.011111.U1"],
      readPoint: { id: "urn:epc:id:sgln:4012345.00000.0" },
    });
    const one = await t.fetch(`${t.api.url}/epcis/events/${encodeURIComponent(ids[0]!)}`, {
      headers: { ...admin, "GS1-EPC-Format": "Always_EPC_URN" },
    });
    expect(((await one.json()) as { epcList: string[] }).epcList[0]).toBe(
      "urn:epc:id:sgtin:4012345.011111.A1",
    );
  });

  it("answers 406 NotAcceptableException naming a Digital Link whose company prefix it does not know", async () => {
    for (const res of [
      await query("", "Always_EPC_URN"),
      await t.fetch(`${t.api.url}/epcis/events/${encodeURIComponent(ids[1]!)}`, {
        headers: { ...admin, "GS1-EPC-Format": "Always_EPC_URN" },
      }),
    ]) {
      expect(res.status).toBe(406);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(res.headers.get("link")).toBeNull();
      expect(await res.json()).toMatchObject({
        type: "epcisException:NotAcceptableException",
        status: 406,
        code: "EPCIS_EPC_FORMAT_NOT_ACCEPTABLE",
        detail: expect.stringContaining(unknown),
        identifiers: [unknown],
      });
    }
  });

  it("keeps identifiers as captured with No_Preference and Never_Translates", async () => {
    for (const format of [undefined, "No_Preference", "Never_Translates"]) {
      const res = await query("?EQ_bizStep=receiving", format);
      expect(res.status).toBe(200);
      const doc = (await res.json()) as {
        epcisBody: { queryResults: { resultsBody: { eventList: { epcList: string[] }[] } } };
      };
      expect(doc.epcisBody.queryResults.resultsBody.eventList[0]!.epcList).toEqual([unknown]);
    }
  });
});
