// The API's defences against strangers: per-client rate limits (429 + Retry-After), body limits, security
// headers, trust proxy, and the health probes (their answers checked against the OpenAPI document). Real HTTP over loopback; two clients are two source
// addresses (127.0.0.1 and 127.0.0.2), as two hosts would be.
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import express from "express";
import { DeviceRegistry, SqliteStore } from "#gateway";
import { DEFAULT_CSP, securityHeaders } from "./middleware/index.ts";
import type { ReadinessCheck } from "./services/checkReadiness.ts";
import { type RunningApi, type StartApiOptions, startApi } from "./startApi.ts";
import { checkedFetch } from "./testing/index.ts";

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** One request from `agent` (which fixes the client's source address). */
function send(
  agent: Agent,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, method: init.method ?? "GET", headers: init.headers ?? {} }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        body += d;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

const dir = mkdtempSync(join(tmpdir(), "sealtrail-hardening-"));
const store = SqliteStore.open(join(dir, "store.db"));
const registry = new DeviceRegistry(store);
const agents: Agent[] = [];
const apis: RunningApi[] = [];
function client(localAddress: string): Agent {
  const agent = new Agent({ keepAlive: true, maxSockets: 32, localAddress });
  agents.push(agent);
  return agent;
}
async function api(options: Partial<StartApiOptions> = {}): Promise<string> {
  const running = await startApi({
    store,
    registry,
    adminToken: "EXAMPLE-admin-token-for-tests-only",
    anchorTargets: () => [],
    isReady: () => true,
    port: 0,
    ...options,
  });
  apis.push(running);
  return running.url;
}

beforeAll(async () => {
  await registry.load();
});
afterAll(async () => {
  for (const a of agents) a.destroy();
  for (const a of apis) await a.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

// A well-formed SGTIN nobody captured: the provenance route looks it up and answers 404, like a scan of an
// unknown label. What is counted is the request, whatever its answer.
const PUBLIC_PATH = "/api/v1/provenance/01/09506000134352/21/EXAMPLE-1";

describe("per-client rate limits", () => {
  it("a burst of 4,000 requests from one client gets 429s with Retry-After while another client is still served", async () => {
    const url = await api({ rateLimits: { windowMs: 60_000, public: 600, capture: 120 } });
    const noisy = client("127.0.0.1");
    const statuses = new Map<number, number>();
    const retryAfter = new Set<string>();
    let next = 0;
    // 32 connections at once, keep-alive: a client hammering as fast as the server answers.
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < 4000) {
          next++;
          const a = await send(noisy, `${url}${PUBLIC_PATH}`);
          statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
          if (a.status === 429) {
            retryAfter.add(String(a.headers["retry-after"]));
            expect(JSON.parse(a.body).error.code).toBe("RATE_LIMITED");
          }
        }
      }),
    );
    expect(Object.fromEntries(statuses)).toEqual({ 404: 600, 429: 3400 });
    for (const seconds of retryAfter) {
      expect(seconds).toMatch(/^\d+$/);
      expect(Number(seconds)).toBeGreaterThan(0);
      expect(Number(seconds)).toBeLessThanOrEqual(60);
    }
    const other = await send(client("127.0.0.2"), `${url}${PUBLIC_PATH}`);
    expect(other.status).toBe(404);
    expect(other.headers.ratelimit).toMatch(/"public"; r=599; t=\d+/);
  });

  it("counts capture posts per client, and leaves the EPCIS query interface (GET) alone", async () => {
    const url = await api({ rateLimits: { windowMs: 60_000, public: 600, capture: 2 } });
    const agent = client("127.0.0.1");
    const post = () =>
      send(agent, `${url}/epcis/capture`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
    expect((await post()).status).not.toBe(429);
    expect((await post()).status).not.toBe(429);
    const third = await post();
    expect(third.status).toBe(429);
    expect(third.headers["retry-after"]).toMatch(/^\d+$/);
    for (let i = 0; i < 5; i++) expect((await send(agent, `${url}/epcis/eventTypes`)).status).toBe(200);
  });

  it("behind a trusted proxy, clients are told apart by X-Forwarded-For; without trust, a forged header changes nothing", async () => {
    const limits = { windowMs: 60_000, public: 1, capture: 1 };
    const proxied = await api({ rateLimits: limits, trustProxy: "loopback" });
    const direct = await api({ rateLimits: limits });
    const agent = client("127.0.0.1");
    const from = (base: string, ip: string) =>
      send(agent, `${base}${PUBLIC_PATH}`, { headers: { "x-forwarded-for": ip } });
    expect((await from(proxied, "198.51.100.1")).status).toBe(404);
    expect((await from(proxied, "198.51.100.1")).status).toBe(429);
    expect((await from(proxied, "198.51.100.2")).status).toBe(404);
    expect((await from(direct, "198.51.100.1")).status).toBe(404);
    expect((await from(direct, "198.51.100.2")).status).toBe(429);
  });
});

describe("rate limits and the resolver", () => {
  it("limits the resolver's item paths under its configured path prefix", async () => {
    const url = await api({
      rateLimits: { windowMs: 60_000, public: 1, capture: 1 },
      resolver: { pathPrefix: "/id" },
    });
    const agent = client("127.0.0.1");
    const item = `${url}/id/01/09506000134352/21/EXAMPLE-1`;
    expect((await send(agent, item)).status).not.toBe(429);
    expect((await send(agent, item)).status).toBe(429);
  });
});

describe("request size", () => {
  it("refuses a body on a public read with 413 before reading it, declared or chunked", async () => {
    const url = await api();
    const agent = client("127.0.0.1");
    const declared = await send(agent, `${url}${PUBLIC_PATH}`, {
      headers: { "content-type": "application/json", "content-length": "10" },
      body: "x".repeat(10),
    });
    expect([declared.status, JSON.parse(declared.body).error.code]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
    const chunked = await send(agent, `${url}${PUBLIC_PATH}`, {
      headers: { "transfer-encoding": "chunked" },
      body: "x".repeat(10),
    });
    expect(chunked.status).toBe(413);
  });

  it("refuses an API body declared above 16 KiB with 413, even before the admin token is checked", async () => {
    const url = await api();
    const a = await send(client("127.0.0.1"), `${url}/api/v1/devices`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "x".repeat(17 * 1024),
    });
    expect(a.status).toBe(413);
  });
});

describe("security headers", () => {
  it("every answer, errors included, carries the strict default CSP, nosniff and no framing", async () => {
    const url = await api();
    const agent = client("127.0.0.1");
    for (const path of ["/api/v1/status", "/no/such/route", PUBLIC_PATH, "/healthz"]) {
      const a = await send(agent, `${url}${path}`);
      expect([path, a.headers["content-security-policy"]]).toEqual([path, DEFAULT_CSP]);
      expect(a.headers["x-content-type-options"]).toBe("nosniff");
      expect(a.headers["x-frame-options"]).toBe("SAMEORIGIN");
      expect(a.headers["referrer-policy"]).toBe("no-referrer");
      expect(a.headers["cache-control"]).toBe("no-store");
      expect(a.headers["x-powered-by"]).toBeUndefined();
    }
  });

  it("a route that serves a document (the product page) replaces the default CSP with its own", async () => {
    const app = express();
    app.use(securityHeaders());
    const pagePolicy = "default-src 'self'; connect-src https:; frame-ancestors 'none'";
    app.get("/page", (_req, res) => {
      res.setHeader("Content-Security-Policy", pagePolicy);
      res.type("html").send("<!doctype html><title>page</title>");
    });
    app.get("/json", (_req, res) => {
      res.json({});
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const agent = client("127.0.0.1");
    expect((await send(agent, `${base}/page`)).headers["content-security-policy"]).toBe(pagePolicy);
    expect((await send(agent, `${base}/json`)).headers["content-security-policy"]).toBe(DEFAULT_CSP);
    agent.destroy();
    await new Promise((r) => server.close(r));
  });
});

describe("health probes", () => {
  it("/healthz is 200 while /readyz is 503 naming the dependency that does not answer, and why", async () => {
    const checks: ReadinessCheck[] = [
      { name: "store", probe: async () => {} },
      {
        name: "chain",
        probe: async () => {
          throw new Error("connect ECONNREFUSED 127.0.0.1:8545");
        },
      },
    ];
    const url = await api({ readinessChecks: () => checks });
    expect((await checkedFetch(`${url}/healthz`)).status).toBe(200);
    const ready = await checkedFetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get("retry-after")).toBe("5");
    expect(await ready.json()).toEqual({
      error: { code: "UNAVAILABLE", message: "not reachable: chain" },
      unavailable: ["chain"],
      checks: {
        store: { ok: true },
        chain: { ok: false, reason: "connect ECONNREFUSED 127.0.0.1:8545" },
      },
    });
  });

  it("/readyz is 200 when every dependency answers (the store alone by default)", async () => {
    const url = await api();
    const ready = await checkedFetch(`${url}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([
      200,
      { status: "ready", checks: { store: { ok: true } } },
    ]);
  });
});
