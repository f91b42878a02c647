import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startTestApi, type TestApi } from "./testing/index.ts";

describe("routing and error shape", () => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi();
  });
  afterAll(async () => {
    await t.close();
  });

  it("answers 404 NOT_FOUND in the JSON error shape for an unknown route", async () => {
    for (const path of ["/api/v1/nope", "/", "/api/v2/status"]) {
      const res = await t.fetch(`${t.api.url}${path}`);
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ error: { code: "NOT_FOUND", message: expect.any(String) } });
    }
  });

  it("answers 405 with Allow for a wrong method on a known route", async () => {
    const res = await t.fetch(`${t.base}/status`, { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
  });

  it("answers 400 in the JSON error shape for a malformed percent-encoding", async () => {
    const res = await t.fetch(`${t.base}/readings/%E0%A4%A`);
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("BAD_REQUEST");
  });

  it("does not advertise Express", async () => {
    const res = await t.fetch(`${t.base}/status`);
    expect(res.headers.get("x-powered-by")).toBeNull();
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });
});
