// The shape of a 429: where the routes behind a limit answer their refusals as problem documents (the GS1
// Digital Link resolver, the EPCIS interface), so does the limit, with Retry-After kept; elsewhere it is the
// API's `{ error }`. A real API over a real SQLite file, over loopback.
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { DeviceRegistry, SqliteStore } from "#gateway";
import { RATE_LIMITED_PROBLEM_TYPE } from "./middleware/rateLimit.ts";
import { type RunningApi, startApi } from "./startApi.ts";

const dir = mkdtempSync(join(tmpdir(), "sealtrail-ratelimit-"));
const store = SqliteStore.open(join(dir, "store.db"));
let api: RunningApi;

beforeAll(async () => {
  const registry = new DeviceRegistry(store);
  await registry.load();
  api = await startApi({
    store,
    registry,
    adminToken: "EXAMPLE-admin-token-for-tests-only",
    anchorTargets: () => [],
    isReady: () => true,
    port: 0,
    // One request per client and window on each limit: the second is refused.
    rateLimits: { windowMs: 60_000, public: 1, capture: 1 },
    resolver: { pathPrefix: "/id" },
  });
});
afterAll(async () => {
  await api.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** One request from a client at `localAddress` (a second loopback address is a second host). */
function send(agent: Agent, path: string, method: string, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = body === undefined ? {} : { "content-type": "application/json" };
    const req = request(`${api.url}${path}`, { agent, method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        text += d;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** The second of two identical requests; each test uses its own client address, so limits do not mix. */
async function refused(localAddress: string, path: string, method = "GET", body?: string): Promise<Answer> {
  const agent = new Agent({ keepAlive: false, localAddress });
  try {
    expect((await send(agent, path, method, body)).status).not.toBe(429);
    return await send(agent, path, method, body);
  } finally {
    agent.destroy();
  }
}

function expectProblem(answer: Answer, limit: string): void {
  expect(answer.status).toBe(429);
  expect(answer.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(answer.headers["retry-after"]).toMatch(/^[1-9][0-9]*$/);
  expect(JSON.parse(answer.body)).toEqual({
    type: RATE_LIMITED_PROBLEM_TYPE,
    title: "Too Many Requests",
    status: 429,
    code: "RATE_LIMITED",
    detail: expect.stringContaining(`(${limit} limit)`),
  });
}

describe("a refused request's answer", () => {
  it("is a problem document with Retry-After on the resolver's item paths, under its path prefix, readable cross-origin", async () => {
    const answer = await refused("127.0.0.2", "/id/01/09506000134352/21/EXAMPLE-1");
    expectProblem(answer, "public");
    // The resolver allows any origin; a script on another site must be able to read its 429 too.
    expect(answer.headers["access-control-allow-origin"]).toBe("*");
  });

  it("is a problem document on the resolver's QR images and its description", async () => {
    expectProblem(await refused("127.0.0.3", "/id/01/09506000134352/21/EXAMPLE-1/qr.svg"), "public");
    expectProblem(await refused("127.0.0.4", "/.well-known/gs1resolver"), "public");
  });

  it("is a problem document on EPCIS capture", async () => {
    expectProblem(await refused("127.0.0.5", "/epcis/capture", "POST", "{}"), "capture");
    expectProblem(await refused("127.0.0.6", "/epcis/events", "POST", "{}"), "capture");
  });

  it("keeps the API's JSON error shape, with Retry-After, on the API's public routes", async () => {
    const answer = await refused("127.0.0.7", "/api/v1/provenance/01/09506000134352/21/EXAMPLE-1");
    expect(answer.status).toBe(429);
    expect(answer.headers["content-type"]).toMatch(/^application\/json/);
    expect(answer.headers["retry-after"]).toMatch(/^[1-9][0-9]*$/);
    expect(JSON.parse(answer.body).error.code).toBe("RATE_LIMITED");
  });
});
