import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";

import {
  deviceIdentityFromPrivateKey,
  keccak256,
  nobleVerifier,
  parseEventProofBundle,
  signEvent,
  verifyEventProofBundleOffline,
} from "#protocol";
import {
  EXAMPLE_ADMIN_TOKEN,
  exampleDevice,
  sealBatch,
  startTestApi,
  storeReadings,
  type TestApi,
} from "./testing/index.ts";

// EXAMPLE keys from public labels: never use such keys for real.
const key = (label: string) =>
  deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode(`EXAMPLE key ${label}`)));
const attester = key("capture attester");
const acmeKey = key("capture acme");
const ACME_GLN = "4012345000009";
const OTHER_GLN = "4012345000016";
const admin = { Authorization: `Bearer ${EXAMPLE_ADMIN_TOKEN}` };

function objectEvent(
  serial: string,
  gln = ACME_GLN,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: "ObjectEvent",
    eventTime: "2026-01-05T10:00:00.000+01:00",
    eventTimeZoneOffset: "+01:00",
    epcList: [`urn:epc:id:sgtin:4012345.011111.${serial}`],
    action: "OBSERVE",
    bizStep: "shipping",
    readPoint: { id: `urn:epc:id:sgln:4012345.${gln.slice(7, 12)}.0` },
    ...extra,
  };
}

function document(events: unknown[]): Record<string, unknown> {
  return {
    "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
    type: "EPCISDocument",
    schemaVersion: "2.0",
    creationDate: "2026-01-05T11:00:00.000Z",
    epcisBody: { eventList: events },
  };
}

let t: TestApi;
let epcis: string;
let acmeToken: string;

beforeEach(async () => {
  t = await startTestApi({ attester });
  epcis = `${t.api.url}/epcis`;
  const created = await t.fetch(`${t.base}/organisations`, {
    method: "POST",
    headers: { ...admin, "Content-Type": "application/json" },
    body: JSON.stringify({
      id: "acme",
      name: "ACME Foods",
      glns: [ACME_GLN],
      publicKeys: [`0x${Buffer.from(acmeKey.publicKey).toString("hex")}`],
    }),
  });
  expect(created.status).toBe(201);
  await t.fetch(`${t.base}/organisations`, {
    method: "POST",
    headers: { ...admin, "Content-Type": "application/json" },
    body: JSON.stringify({ id: "beta", name: "Beta Logistics", glns: [OTHER_GLN] }),
  });
  const credential = await t.fetch(`${t.base}/organisations/acme/credentials`, {
    method: "POST",
    headers: { ...admin, "Content-Type": "application/json" },
    body: JSON.stringify({ label: "ERP" }),
  });
  expect(credential.status).toBe(201);
  acmeToken = ((await credential.json()) as { token: string }).token;
});
afterEach(async () => {
  await t.close();
});

const asAcme = (extra: Record<string, string> = {}) => ({
  Authorization: `Bearer ${acmeToken}`,
  "Content-Type": "application/json",
  ...extra,
});

async function capture(
  body: string,
  headers: Record<string, string> = asAcme(),
  query = "",
): Promise<{ status: number; job?: Record<string, unknown>; problem?: Record<string, unknown> }> {
  const res = await t.fetch(`${epcis}/capture${query}`, { method: "POST", headers, body });
  if (res.status !== 202)
    return { status: res.status, problem: (await res.json()) as Record<string, unknown> };
  const location = res.headers.get("location")!;
  expect(location).toMatch(/^\/epcis\/capture\/[0-9a-f-]{36}$/);
  for (;;) {
    const job = (await (await t.fetch(`${t.api.url}${location}`, { headers: asAcme() })).json()) as Record<
      string,
      unknown
    >;
    if (!job.running) return { status: 202, job };
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("organisations (admin API)", () => {
  it("refuses a GLN with a wrong check digit and one that belongs to another organisation", async () => {
    const post = (glns: string[]) =>
      t.fetch(`${t.base}/organisations`, {
        method: "POST",
        headers: { ...admin, "Content-Type": "application/json" },
        body: JSON.stringify({ id: "gamma", name: "Gamma", glns }),
      });
    const wrong = await post(["4012345000008"]);
    expect([wrong.status, ((await wrong.json()) as { error: { code: string } }).error.code]).toEqual([
      400,
      "INVALID_GLN",
    ]);
    const taken = await post([ACME_GLN]);
    expect([taken.status, ((await taken.json()) as { error: { code: string } }).error.code]).toEqual([
      409,
      "GLN_TAKEN",
    ]);
    expect((await t.fetch(`${t.base}/organisations/gamma`)).status).toBe(404);
  });

  it("needs the admin token to create one, and never shows a credential's token again", async () => {
    const res = await t.fetch(`${t.base}/organisations`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(401);
    const org = (await (await t.fetch(`${t.base}/organisations/acme`)).json()) as Record<string, unknown>;
    expect(org).toMatchObject({
      id: "acme",
      glns: [ACME_GLN],
      keys: [{ status: "active", rotatedFrom: null }],
    });
    expect(JSON.stringify(org)).not.toContain(acmeToken);
  });
});

describe("POST /epcis/capture", () => {
  it("announces its limits with OPTIONS", async () => {
    const res = await t.fetch(`${epcis}/capture`, { method: "OPTIONS" });
    expect(res.status).toBe(204);
    expect(res.headers.get("gs1-epcis-capture-limit")).toBe("5000");
    expect(Number(res.headers.get("gs1-epcis-capture-file-size-limit"))).toBe(8 * 1024 * 1024);
  });

  it("captures an organisation's document: 202, a job that succeeds, events signed by the attester and provable", async () => {
    const { job } = await capture(JSON.stringify(document([objectEvent("1"), objectEvent("2")])));
    expect(job).toMatchObject({ success: true, eventCount: 2, errors: [], organisation: "acme" });
    const captured = job!.captured as { eventID: string; messageId: `0x${string}` }[];
    expect(captured.map((c) => c.eventID)).toEqual([
      expect.stringMatching(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/),
      expect.any(String),
    ]);
    // The events share a batch with a reading: one anchor covers both.
    const readingIds = await storeReadings(t, exampleDevice("capture sensor"), 1);
    await sealBatch(t.store, [captured[0]!.messageId, captured[1]!.messageId, ...readingIds]);
    const res = await t.fetch(`${t.base}/events/${encodeURIComponent(captured[0]!.eventID)}/proof`);
    expect(res.status).toBe(200);
    const bundle = parseEventProofBundle(await res.json());
    expect(bundle).toMatchObject({
      signedBy: "attester",
      organisation: "acme",
      signer: attester.address,
      eventHashId: captured[0]!.eventID,
    });
    expect(verifyEventProofBundleOffline(bundle, nobleVerifier).checks.filter((c) => !c.ok)).toEqual([]);
    expect((await t.fetch(`${t.base}/events/${captured[1]!.messageId}/proof`)).status).toBe(200);
  });

  it("refuses everything when one event is at another organisation's location (all-or-nothing), and proceeds when asked", async () => {
    const body = JSON.stringify(document([objectEvent("1"), objectEvent("2", OTHER_GLN)]));
    const { job } = await capture(body);
    expect(job).toMatchObject({
      success: false,
      captured: [],
      errors: [{ index: 1, code: "EPCIS_FOREIGN_LOCATION", type: "epcisException:SecurityException" }],
    });
    expect(await t.store.countMessages()).toBe(0);
    const proceeded = await capture(body, asAcme({ "GS1-Capture-Error-Behaviour": "proceed" }));
    expect(proceeded.job).toMatchObject({ success: true, captured: [{ index: 0 }], errors: [{ index: 1 }] });
    expect(await t.store.countMessages()).toBe(1);
  });

  it("lets the admin token attest for a named organisation at any location", async () => {
    const { job } = await capture(
      JSON.stringify(document([objectEvent("7", OTHER_GLN)])),
      { ...admin, "Content-Type": "application/json" },
      "?organisation=acme&visibility=public",
    );
    expect(job).toMatchObject({ success: true, organisation: "acme" });
    const stored = await t.store.findEvent({ eventId: (job!.captured as { eventID: string }[])[0]!.eventID });
    expect(stored).toMatchObject({ visibility: "public", signedBy: "attester", organisation: "acme" });
  });

  it.each([
    [
      "a wrong check digit",
      [objectEvent("1", ACME_GLN, { epcList: ["https://id.gs1.org/01/04012345111119/21/1"] })],
      "EPCIS_INVALID_IDENTIFIER",
    ],
    ["an unknown event type", [{ ...objectEvent("1"), type: "MagicEvent" }], "EPCIS_UNKNOWN_EVENT_TYPE"],
    [
      "an event far in the future",
      [objectEvent("1", ACME_GLN, { eventTime: "2999-01-01T00:00:00Z" })],
      "EPCIS_EVENT_TIME_IN_FUTURE",
    ],
  ])("refuses %s in a job that names the event, storing nothing", async (_what, events, code) => {
    const { job } = await capture(JSON.stringify(document(events)));
    expect(job).toMatchObject({ success: false, errors: [expect.objectContaining({ index: 0, code })] });
    expect(await t.store.countMessages()).toBe(0);
  });

  it.each([
    [
      "a 10 MB document",
      () => JSON.stringify(document([objectEvent("1", ACME_GLN, { pad: "x".repeat(10_000_000) })])),
      413,
      "EPCIS_TOO_LARGE",
    ],
    ["deeply nested JSON", () => `${"[".repeat(5000)}${"]".repeat(5000)}`, 400, "EPCIS_TOO_DEEP"],
    [
      "a __proto__ key",
      () => JSON.stringify(document([objectEvent("1")])).replace('"action"', '"__proto__":{"x":1},"action"'),
      400,
      "EPCIS_FORBIDDEN_KEY",
    ],
    [
      "a key given twice (type ObjectEvent, then AggregationEvent)",
      () =>
        JSON.stringify(document([objectEvent("1")])).replace(
          '"type":"ObjectEvent"',
          '"type":"ObjectEvent","type":"AggregationEvent"',
        ),
      400,
      "EPCIS_DUPLICATE_KEY",
    ],
  ])("refuses %s at once with a problem document, storing nothing", async (_what, body, status, code) => {
    const res = await t.fetch(`${epcis}/capture`, { method: "POST", headers: asAcme(), body: body() });
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const problem = (await res.json()) as Record<string, unknown>;
    expect(problem).toMatchObject({ status, code, type: expect.stringMatching(/^epcisException:/) });
    expect(await t.store.countMessages()).toBe(0);
  });

  it("names the duplicated key and its path in the problem, instead of capturing the last type given", async () => {
    const text = JSON.stringify(document([objectEvent("1"), objectEvent("2")]));
    const at = text.lastIndexOf('"bizStep":"shipping"');
    const body = `${text.slice(0, at)}"bizStep":"receiving",${text.slice(at)}`;
    const res = await t.fetch(`${epcis}/capture`, { method: "POST", headers: asAcme(), body });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      type: "epcisException:ValidationException",
      code: "EPCIS_DUPLICATE_KEY",
      pointer: "/epcisBody/eventList/1/bizStep",
      detail: expect.stringContaining('"bizStep"'),
    });
    expect(await t.store.countMessages()).toBe(0);
  });

  it("refuses a capture without credentials (401) or with a wrong one (403) as a SecurityException", async () => {
    const body = JSON.stringify(document([objectEvent("1")]));
    expect((await capture(body, { "Content-Type": "application/json" })).problem).toMatchObject({
      status: 401,
      type: "epcisException:SecurityException",
    });
    expect(
      (await capture(body, { Authorization: "Bearer stk_nope", "Content-Type": "application/json" })).problem,
    ).toMatchObject({ status: 403 });
  });
});

describe("POST /epcis/events", () => {
  it("captures one event (201 + Location), and answers 409 when its event hash ID is stored already", async () => {
    const post = () =>
      t.fetch(`${epcis}/events`, {
        method: "POST",
        headers: asAcme(),
        body: JSON.stringify(objectEvent("5")),
      });
    const first = await post();
    expect(first.status).toBe(201);
    const { eventID } = (await first.json()) as { eventID: string };
    expect(first.headers.get("location")).toBe(`/epcis/events/${encodeURIComponent(eventID)}`);
    const again = await post();
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({
      type: "epcisException:ValidationException",
      code: "EPCIS_DUPLICATE_EVENT",
    });
    expect(await t.store.countMessages()).toBe(1);
  });

  it("captures an event the organisation signed itself (application/cose), and refuses it once the key is revoked", async () => {
    const signed = signEvent(acmeKey, JSON.stringify(objectEvent("8")));
    const post = () =>
      t.fetch(`${epcis}/events`, {
        method: "POST",
        headers: asAcme({ "Content-Type": "application/cose" }),
        body: Buffer.from(signed.message),
      });
    const res = await post();
    expect(res.status).toBe(201);
    const bundle = parseEventProofBundle(
      await (await t.fetch(`${t.base}/events/${signed.messageId}/proof`)).json(),
    );
    expect(bundle).toMatchObject({
      signedBy: "organisation",
      signer: acmeKey.address,
      organisation: "acme",
      merkle: null,
    });
    const otherEvent = signEvent(acmeKey, JSON.stringify(objectEvent("9")));
    await t.fetch(`${t.base}/organisations/acme/keys/${acmeKey.address}/revoke`, {
      method: "POST",
      headers: admin,
    });
    const refused = await t.fetch(`${epcis}/events`, {
      method: "POST",
      headers: asAcme({ "Content-Type": "application/cose" }),
      body: Buffer.from(otherEvent.message),
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: "EPCIS_UNKNOWN_SIGNER" });
  });

  it("refuses an organisation's event at another's location, even signed by its own key", async () => {
    const signed = signEvent(acmeKey, JSON.stringify(objectEvent("3", OTHER_GLN)));
    const { job } = await capture(
      JSON.stringify({ signedEvents: [Buffer.from(signed.message).toString("hex")] }),
    );
    expect(job).toMatchObject({ success: false, errors: [{ index: 0, code: "EPCIS_FOREIGN_LOCATION" }] });
    expect(await t.store.countMessages()).toBe(0);
  });
});
