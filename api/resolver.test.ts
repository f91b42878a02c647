import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { canonicalIdentifier } from "#gs1";
import {
  EXAMPLE_ADMIN_TOKEN,
  exampleDevice,
  expectedQrModules,
  openApiValidator,
  qrModulesOfSvg,
  startTestApi,
  type TestApi,
} from "./testing/index.ts";

// The resolver over a real SQLite store: product P1 (and pallet 1 holding it) are named by captured events;
// P9, pallet 9 and the GLN are not. Every answer is checked against openapi.json (t.fetch).
const admin = { Authorization: `Bearer ${EXAMPLE_ADMIN_TOKEN}` };
const json = { "Content-Type": "application/json" };
const PRODUCT = "urn:epc:id:sgtin:4012345.011111.P1";
const PALLET = "urn:epc:id:sscc:4012345.0000000001";
const GTIN = /\/01\/(\d{14})\//.exec(canonicalIdentifier(PRODUCT)!)![1]!;
const SSCC = /\/00\/(\d{18})$/.exec(canonicalIdentifier(PALLET)!)![1]!;
const UNKNOWN_SSCC = /\/00\/(\d{18})$/.exec(canonicalIdentifier("urn:epc:id:sscc:4012345.0000000009")!)![1]!;
const GLN = "4012345000009";
const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const LINKSET = "application/linkset+json";
const PIP = "https://gs1.org/voc/pip";
const EPCIS = "https://gs1.org/voc/epcis";
const EVIDENCE = "https://sealtrail.dev/voc/evidence";

type Target = { href: string; title: string; type: string; hreflang?: string[] };
type Linkset = { linkset: [{ anchor: string } & Record<string, Target[]>] };
type Problem = { type: string; title: string; status: number; code: string; detail: string; rule?: string };

let t: TestApi;
let origin: string;

async function capture(events: Record<string, unknown>[]) {
  const body = {
    "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
    type: "EPCISDocument",
    schemaVersion: "2.0",
    creationDate: "2026-01-05T08:00:00.000Z",
    epcisBody: { eventList: events },
  };
  const res = await t.fetch(`${origin}/epcis/capture?organisation=acme&visibility=public`, {
    method: "POST",
    headers: { ...admin, ...json },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(202);
  for (;;) {
    const job = (await (
      await t.fetch(`${origin}${res.headers.get("location")}`, { headers: admin })
    ).json()) as {
      running: boolean;
      errors: unknown[];
    };
    if (!job.running) return expect(job.errors).toEqual([]);
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeAll(async () => {
  t = await startTestApi({ attester: exampleDevice("resolver attester") });
  origin = t.api.url;
  const org = await t.fetch(`${t.base}/organisations`, {
    method: "POST",
    headers: { ...admin, ...json },
    body: JSON.stringify({ id: "acme", name: "ACME Pharma", glns: [GLN] }),
  });
  expect(org.status).toBe(201);
  const at = { eventTime: "2026-01-05T08:00:00.000Z", eventTimeZoneOffset: "+00:00" };
  await capture([
    { ...at, type: "ObjectEvent", action: "ADD", epcList: [PRODUCT], bizStep: "commissioning" },
    {
      ...at,
      type: "AggregationEvent",
      action: "ADD",
      parentID: PALLET,
      childEPCs: [PRODUCT],
      bizStep: "packing",
    },
  ]);
});
afterAll(async () => {
  await t.close();
});

describe("GS1 Digital Link resolution", () => {
  it("gives a phone's browser the product page of a known item, with a Link header announcing its linkset", async () => {
    const res = await t.fetch(`${origin}/01/${GTIN}/21/P1`, { headers: { Accept: BROWSER } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await res.text()).toContain("serial P1");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("vary")).toMatch(/Accept/);
    expect(res.headers.get("link")).toContain(
      `<${origin}/01/${GTIN}/21/P1?linkType=linkset>; rel="linkset"; type="application/linkset+json"`,
    );
    expect(res.headers.get("link")).toContain(`<https://id.gs1.org/01/${GTIN}/21/P1>; rel="owl:sameAs"`);
  });

  it("gives the browser the page for an unknown serial too (the page says it is unknown), without a linkset link", async () => {
    const res = await t.fetch(`${origin}/01/${GTIN}/21/P9`, { headers: { Accept: BROWSER } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("serial P9");
    expect(res.headers.get("link")).toBeNull();
  });

  it("answers Accept: application/linkset+json with an RFC 9264 linkset: gs1:pip (the item's own URI), gs1:epcis and the evidence package", async () => {
    const res = await t.fetch(`${origin}/01/${GTIN}/21/P1`, { headers: { Accept: LINKSET } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/linkset\+json/);
    const { linkset } = (await res.json()) as Linkset;
    expect(linkset).toHaveLength(1);
    const context = linkset[0];
    expect(context.anchor).toBe(`${origin}/01/${GTIN}/21/P1`);
    expect(context[PIP]).toEqual([
      { href: context.anchor, title: expect.any(String), type: "text/html", hreflang: ["en"] },
    ]);
    expect(context["https://gs1.org/voc/defaultLink"]?.[0]?.href).toBe(context.anchor);
    const canonical = encodeURIComponent(`https://id.gs1.org/01/${GTIN}/21/P1`);
    expect(context[EPCIS]?.[0]?.href).toBe(`${origin}/epcis/epcs/${canonical}/events`);
    expect(context[EVIDENCE]?.[0]?.href).toBe(`${origin}/api/v1/evidence/01/${GTIN}/21/P1`);
    expect(res.headers.get("link")).toContain('rel="http://www.w3.org/ns/json-ld#context"');
  });

  it("answers ?linkType=linkset (and GS1 1.0's linkType=all) with the same linkset, whatever the Accept header", async () => {
    const viaAccept = await (
      await t.fetch(`${origin}/01/${GTIN}/21/P1`, { headers: { Accept: LINKSET } })
    ).json();
    for (const linkType of ["linkset", "all"]) {
      const res = await t.fetch(`${origin}/01/${GTIN}/21/P1?linkType=${linkType}`, {
        headers: { Accept: BROWSER },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^application\/linkset\+json/);
      expect(await res.json()).toEqual(viaAccept);
    }
  });

  it("redirects ?linkType=gs1:epcis (CURIE or full URI) with 307 to the EPCIS query, which finds the item's events", async () => {
    for (const linkType of [
      "gs1:epcis",
      encodeURIComponent(EPCIS),
      encodeURIComponent("https://ref.gs1.org/voc/epcis"),
    ]) {
      const res = await t.fetch(`${origin}/01/${GTIN}/21/P1?linkType=${linkType}`, { redirect: "manual" });
      expect(res.status).toBe(307);
      expect(res.headers.get("location")).toBe(
        `${origin}/epcis/epcs/${encodeURIComponent(`https://id.gs1.org/01/${GTIN}/21/P1`)}/events`,
      );
    }
    const to = (await t.fetch(`${origin}/01/${GTIN}/21/P1?linkType=gs1:epcis`, { redirect: "manual" }))
      .headers;
    const followed = await t.fetch(to.get("location")!);
    expect(followed.status).toBe(200);
    const body = (await followed.json()) as {
      epcisBody: { queryResults: { resultsBody: { eventList: { bizStep: string }[] } } };
    };
    expect(body.epcisBody.queryResults.resultsBody.eventList.map((e) => e.bizStep)).toEqual([
      "commissioning",
      "packing",
    ]);
  });

  it("redirects ?linkType=gs1:pip to the item's own URI, which a browser resolves to the page", async () => {
    const res = await t.fetch(`${origin}/01/${GTIN}/21/P1?linkType=gs1:pip`, { redirect: "manual" });
    expect(res.status).toBe(307);
    expect(res.headers.get("location")).toBe(`${origin}/01/${GTIN}/21/P1`);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("answers an unknown link type with a 404 problem document listing the link types the item has", async () => {
    const res = await t.fetch(`${origin}/01/${GTIN}/21/P1?linkType=gs1:recipeInfo`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const problem = (await res.json()) as Problem & { linkTypes: string[] };
    expect(problem).toMatchObject({ status: 404, code: "LINK_TYPE_NOT_FOUND" });
    expect(problem.type).toBe("https://sealtrail.dev/problems/link-type-not-found");
    expect(problem.linkTypes).toEqual(expect.arrayContaining([PIP, EPCIS, EVIDENCE]));
  });

  it("answers 404 ITEM_NOT_FOUND for a linkset or a link type of an item no event names", async () => {
    for (const url of [
      `/01/${GTIN}/21/P9?linkType=linkset`,
      `/01/${GTIN}/21/P9?linkType=gs1:pip`,
      `/00/${UNKNOWN_SSCC}?linkType=linkset`,
    ]) {
      const res = await t.fetch(`${origin}${url}`, { redirect: "manual" });
      expect([url, res.status]).toEqual([url, 404]);
      expect(((await res.json()) as Problem).code).toBe("ITEM_NOT_FOUND");
    }
    const accept = await t.fetch(`${origin}/414/${GLN}`, { headers: { Accept: LINKSET } });
    expect(accept.status).toBe(404);
  });

  it.each([
    [
      "a GTIN whose check digit is wrong",
      `/01/${GTIN.slice(0, 13)}${(Number(GTIN[13]) + 1) % 10}/21/P1`,
      "INVALID_CHECK_DIGIT",
      /check digit/i,
    ],
    [
      "a serial longer than AI 21 allows",
      `/01/${GTIN}/21/${"S".repeat(21)}`,
      "INVALID_LENGTH",
      /AI 21|serial/i,
    ],
    ["an SSCC of 17 digits", `/00/${SSCC.slice(1)}`, "INVALID_KEY_FORMAT", /SSCC|AI 00/i],
  ])("refuses %s with 400 naming the GS1 rule it breaks", async (_what, path, _gs1Code, rule) => {
    const res = await t.fetch(`${origin}${path}`, { headers: { Accept: LINKSET } });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as Problem;
    expect(problem.code).toBe("INVALID_DIGITAL_LINK");
    expect(problem.rule).toMatch(rule);
  });

  it("answers the linkset of a pallet (SSCC) with its evidence package; a bare GTIN no event names is not found", async () => {
    const pallet = (await (await t.fetch(`${origin}/00/${SSCC}?linkType=linkset`)).json()) as Linkset;
    expect(pallet.linkset[0][EVIDENCE]?.[0]?.href).toBe(`${origin}/api/v1/evidence/00/${SSCC}`);
    // An SSCC is named by the aggregation; a GTIN alone is a class no event names as such.
    const gtin = await t.fetch(`${origin}/01/${GTIN}?linkType=linkset`);
    expect(gtin.status).toBe(404);
  });

  it("serves HEAD like GET without a body, OPTIONS as a CORS preflight, and 405 for other methods", async () => {
    const head = await t.fetch(`${origin}/01/${GTIN}/21/P1`, {
      method: "HEAD",
      headers: { Accept: LINKSET },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get("link")).toContain('rel="linkset"');
    expect(await head.text()).toBe("");
    const options = await t.fetch(`${origin}/01/${GTIN}/21/P1`, {
      method: "OPTIONS",
      headers: { Origin: "https://scanner.example", "Access-Control-Request-Method": "GET" },
    });
    expect(options.status).toBe(204);
    expect(options.headers.get("access-control-allow-origin")).toBe("*");
    expect(options.headers.get("access-control-allow-methods")).toBe("GET, HEAD, OPTIONS");
    const post = await t.fetch(`${origin}/01/${GTIN}/21/P1`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
  });

  it("answers 406 when Accept allows neither HTML nor a linkset", async () => {
    const res = await t.fetch(`${origin}/01/${GTIN}/21/P1`, { headers: { Accept: "image/png" } });
    expect(res.status).toBe(406);
    expect(((await res.json()) as Problem).code).toBe("NOT_ACCEPTABLE");
  });

  it("publishes the resolver description file at /.well-known/gs1resolver", async () => {
    const res = await t.fetch(`${origin}/.well-known/gs1resolver`);
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(await res.json()).toMatchObject({
      resolverRoot: origin,
      supportedPrimaryKeys: ["01", "00", "414", "8004"],
      supportedLinkType: expect.arrayContaining([{ namespace: "https://gs1.org/voc/", prefix: "gs1:" }]),
    });
  });
});

describe("QR codes of items", () => {
  it("draws an SVG whose modules are exactly qrcode's symbol for the item's Digital Link", async () => {
    const res = await t.fetch(`${origin}/01/${GTIN}/21/P1/qr.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    expect(qrModulesOfSvg(await res.text())).toEqual(expectedQrModules(`${origin}/01/${GTIN}/21/P1`, "M", 4));
  });

  it("keeps a lot, the GS1 data attributes and the requested level, and drops the drawing options", async () => {
    const res = await t.fetch(`${origin}/01/${GTIN}/10/L%2F7/21/P1/qr.svg?17=271231&ecl=H&margin=2&size=512`);
    expect(res.status).toBe(200);
    const svg = await res.text();
    expect(svg).toContain('width="512"');
    expect(qrModulesOfSvg(svg)).toEqual(
      expectedQrModules(`${origin}/01/${GTIN}/10/L%2F7/21/P1?17=271231`, "H", 2),
    );
  });

  it("draws a PNG of the requested size for any valid item, known to the store or not", async () => {
    const res = await t.fetch(`${origin}/00/${UNKNOWN_SSCC}/qr.png?size=300`);
    expect(res.status).toBe(200);
    const png = Buffer.from(await res.arrayBuffer());
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([300, 300]); // IHDR width, height
  });

  it("is cacheable: a strong ETag, a year's max-age, and 304 for If-None-Match", async () => {
    const first = await t.fetch(`${origin}/01/${GTIN}/21/P1/qr.svg`);
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(first.headers.get("cache-control")).toBe("public, max-age=31536000");
    const again = await t.fetch(`${origin}/01/${GTIN}/21/P1/qr.svg`, { headers: { "If-None-Match": etag! } });
    expect(again.status).toBe(304);
    expect((await t.fetch(`${origin}/01/${GTIN}/21/P1/qr.svg?ecl=Q`)).headers.get("etag")).not.toBe(etag);
  });

  it.each([
    ["an unknown error-correction level", "ecl=X"],
    ["a size over 1024", "size=1025"],
    ["a negative margin", "margin=-1"],
    ["a size given twice", "size=100&size=200"],
  ])("refuses %s with 400 INVALID_QR_OPTIONS", async (_what, query) => {
    const res = await t.fetch(`${origin}/01/${GTIN}/21/P1/qr.png?${query}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as Problem).code).toBe("INVALID_QR_OPTIONS");
  });
});

describe("a resolver under a path prefix and a public base URL", () => {
  let p: TestApi;
  const BASE = "https://trace.example.com/sealtrail";
  beforeAll(async () => {
    p = await startTestApi({ resolver: { publicBaseUrl: BASE, pathPrefix: "/id" } });
  });
  afterAll(async () => {
    await p.close();
  });

  /** fetch, checked against the document at the path without its prefix. */
  async function prefixed(path: string, init: RequestInit = {}) {
    const res = await fetch(`${p.api.url}${path}`, init);
    const body = init.method === "HEAD" ? undefined : await res.clone().text();
    const unprefixed = `${p.api.url}${path.replace(/^\/id(?=\/)/, "")}`;
    openApiValidator().check({
      method: init.method ?? "GET",
      url: unprefixed,
      status: res.status,
      headers: res.headers,
      body,
    });
    return res;
  }

  it("serves the item paths under the prefix only, and writes links and QR codes under the public base URL", async () => {
    const page = await prefixed(`/id/01/${GTIN}/21/P1`, { headers: { Accept: BROWSER } });
    expect(page.status).toBe(200);
    const outside = await fetch(`${p.api.url}/01/${GTIN}/21/P1`);
    openApiValidator().checkAgainst("#/components/responses/NotFound", {
      method: "GET",
      url: outside.url,
      status: outside.status,
      headers: outside.headers,
      body: await outside.text(),
    });
    const qr = await prefixed(`/id/01/${GTIN}/21/P1/qr.svg`);
    expect(qrModulesOfSvg(await qr.text())).toEqual(expectedQrModules(`${BASE}/id/01/${GTIN}/21/P1`, "M", 4));
    const description = await p.fetch(`${p.api.url}/.well-known/gs1resolver`);
    expect(((await description.json()) as { resolverRoot: string }).resolverRoot).toBe(`${BASE}/id`);
  });
});
