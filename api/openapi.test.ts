import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createApp } from "./createApp.ts";
import { loadOpenApiDocument } from "./openapi/index.ts";
import {
  checkedFetch,
  EXAMPLE_ADMIN_TOKEN,
  type ObservedResponse,
  OpenApiDriftError,
  openApiValidator,
  startTestApi,
  type TestApi,
} from "./testing/index.ts";

const DEVICE = {
  address: `0x${"ab".repeat(20)}`,
  addressChecksummed: `0x${"ab".repeat(20)}`,
  publicKey: `0x02${"cd".repeat(32)}`,
  label: "EXAMPLE",
  registeredAt: 1_700_000_000_000,
  status: "active",
  revokedAt: null,
  flaggedAt: null,
  rotatedFrom: null,
  rotatedTo: null,
  giai: null,
};

const jsonHeaders = (extra: Record<string, string> = {}) =>
  new Headers({ "content-type": "application/json; charset=utf-8", ...extra });

function observed(
  method: string,
  path: string,
  status: number,
  body: unknown,
  headers: Headers = jsonHeaders(),
): ObservedResponse {
  return {
    method,
    url: `http://127.0.0.1${path}`,
    status,
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}

/** The problems the validator finds in an answer (none: []). */
function problemsOf(response: ObservedResponse): string[] {
  try {
    openApiValidator().check(response);
    return [];
  } catch (error) {
    if (!(error instanceof OpenApiDriftError)) throw error;
    return error.problems;
  }
}

describe("the OpenAPI document", () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(async () => {
    await t.close();
  });

  it("is served at GET /api/v1/openapi.json as OpenAPI 3.1, self-contained (no reference to another file)", async () => {
    const res = await t.fetch(`${t.base}/openapi.json`);
    expect(res.status).toBe(200);
    const served = await res.json();
    expect(served).toEqual(loadOpenApiDocument());
    expect(served.openapi).toMatch(/^3\.1\./);
    const refs = JSON.stringify(served).match(/"\$ref":"[^"]*"/g) ?? [];
    expect(refs.filter((r) => !r.startsWith('"$ref":"#'))).toEqual([]);
    expect(served.components.schemas.ProofBundle.$id).toBe(
      "https://sealtrail.dev/schemas/sealtrail-proof-v1.schema.json",
    );
  });

  it("lists every route the app serves, with the same methods, and nothing the app does not serve", () => {
    const app = createApp({
      store: t.store,
      registry: t.registry,
      adminToken: EXAMPLE_ADMIN_TOKEN,
      anchorTargets: () => [],
      isReady: () => true,
      metrics: async () => {},
    }) as unknown as { router: { stack: Layer[] } };
    type Layer = {
      name: string;
      rawPath?: string;
      route?: { path: string; methods: Record<string, boolean> };
      handle: { stack?: Layer[] };
    };
    const served: string[] = [];
    const walk = (stack: Layer[], prefix: string) => {
      for (const layer of stack) {
        if (layer.route) {
          const path = `${prefix}${layer.route.path}`.replace(/:(\w+)/g, "{$1}");
          for (const method of Object.keys(layer.route.methods).filter((m) => m !== "_all"))
            served.push(`${method.toUpperCase()} ${path}`);
        } else if (layer.name === "router" && layer.handle.stack) {
          walk(layer.handle.stack, `${prefix}${layer.rawPath ?? ""}`);
        }
      }
    };
    walk(app.router.stack, "");
    const documented = Object.entries(loadOpenApiDocument().paths).flatMap(([path, item]) =>
      ["get", "post", "put", "patch", "delete"]
        .filter((m) => m in item)
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(served.sort()).toEqual(documented.sort());
  });

  it("documents 401 and 403 on every operation that needs the admin token, and 500 on every operation", () => {
    for (const [path, item] of Object.entries(loadOpenApiDocument().paths)) {
      for (const [method, op] of Object.entries(item) as [string, Record<string, unknown>][]) {
        if (typeof op !== "object" || !("responses" in op)) continue;
        const statuses = Object.keys(op.responses as object);
        expect([method, path, statuses.includes("500")]).toEqual([method, path, true]);
        if (op.security)
          expect([method, path, statuses]).toEqual([method, path, expect.arrayContaining(["401", "403"])]);
      }
    }
  });
});

describe("the response validator of the test harness", () => {
  it("accepts an answer as documented", () => {
    expect(problemsOf(observed("GET", `/api/v1/devices/${DEVICE.address}`, 200, DEVICE))).toEqual([]);
  });

  it.each([
    ["a missing field", { ...DEVICE, status: undefined }, /must have required property 'status'/],
    ["an extra field", { ...DEVICE, owner: "me" }, /must NOT have additional properties/],
    ["a field of the wrong type", { ...DEVICE, revokedAt: "yesterday" }, /revokedAt/],
    [
      "an uppercase address",
      { ...DEVICE, address: DEVICE.address.toUpperCase().replace("0X", "0x") },
      /address/,
    ],
  ])("catches a body with %s", (_what, body, problem) => {
    expect(problemsOf(observed("GET", `/api/v1/devices/${DEVICE.address}`, 200, body)).join("\n")).toMatch(
      problem,
    );
  });

  it("catches an error code that the response does not list", () => {
    const body = { error: { code: "READING_NOT_FOUND", message: "x" } };
    expect(problemsOf(observed("GET", `/api/v1/devices/${DEVICE.address}`, 404, body)).join("\n")).toMatch(
      /allowed values/,
    );
  });

  it("catches a status the operation does not list", () => {
    expect(
      problemsOf(observed("GET", "/api/v1/status", 418, { error: { code: "INTERNAL", message: "x" } })),
    ).toEqual(["status 418 is not documented for GET /api/v1/status"]);
  });

  it("catches a content type the response does not list", () => {
    const headers = new Headers({ "content-type": "text/html" });
    expect(
      problemsOf(observed("GET", `/api/v1/devices/${DEVICE.address}`, 200, "<p>hi</p>", headers)),
    ).toEqual(["content type text/html is not one of application/json"]);
  });

  it("catches a route the document does not list unless it answers the documented 404", () => {
    expect(problemsOf(observed("GET", "/api/v1/secret", 200, { ok: true })).join("\n")).toMatch(
      /is in no path of the document, so only 404 is documented, got 200/,
    );
    expect(
      problemsOf(observed("GET", "/api/v1/secret", 404, { error: { code: "NOT_FOUND", message: "x" } })),
    ).toEqual([]);
  });

  it("catches a missing required header and an Allow header that disagrees with the document", () => {
    const unauthorized = { error: { code: "UNAUTHORIZED", message: "x" } };
    expect(problemsOf(observed("POST", "/api/v1/devices", 401, unauthorized))).toEqual([
      "required header WWW-Authenticate is missing",
    ]);
    const notAllowed = { error: { code: "METHOD_NOT_ALLOWED", message: "x" } };
    const headers = jsonHeaders({ allow: "GET, HEAD" });
    expect(problemsOf(observed("DELETE", "/api/v1/devices", 405, notAllowed, headers))).toEqual([
      'Allow is "GET, HEAD" but the document lists GET, POST, HEAD',
    ]);
  });

  describe("through checkedFetch, against a server that drifted", () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      // Answers /api/v1/status without its counts, as a careless change to getStatus would.
      server = createServer((_req, res) => {
        res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ status: "ready", anchorTargets: [] }));
      });
      server.listen(0, "127.0.0.1");
      await once(server, "listening");
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.close();
      await once(server, "close");
    });

    it("fails the request that received the drifted answer", async () => {
      await expect(checkedFetch(`${url}/api/v1/status`)).rejects.toThrow(OpenApiDriftError);
      await expect(checkedFetch(`${url}/api/v1/status`)).rejects.toThrow(
        /must have required property 'devices'/,
      );
    });
  });
});
