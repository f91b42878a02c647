import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { EXAMPLE_TARGET, exampleDevice, startTestApi, storeReadings, type TestApi } from "./testing/index.ts";

describe("GET /api/v1/status", () => {
  let t: TestApi;
  beforeEach(async () => {
    t = await startTestApi({ ready: false });
  });
  afterEach(async () => {
    await t.close();
  });

  it("answers 503 NOT_READY while the gateway is starting", async () => {
    const res = await t.fetch(`${t.base}/status`);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(await res.json()).toEqual({ error: { code: "NOT_READY", message: expect.any(String) } });
  });

  it("answers 200 with the anchor targets, the device and message counts and the registrar's state once ready", async () => {
    await storeReadings(t, exampleDevice("status"), 3);
    t.setReady(true);
    const res = await t.fetch(`${t.base}/status`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: "ready",
      anchorTargets: [{ chainId: EXAMPLE_TARGET.chainId, contract: EXAMPLE_TARGET.contract }],
      devices: 1,
      messages: 3,
      // No registrar here: the device's registration waits in the outbox, and /status says so (not an error).
      registry: {
        configured: false,
        chainId: null,
        contract: null,
        registrar: null,
        authorised: null,
        waiting: expect.stringMatching(/no registrar/),
        outbox: { pending: 1, sent: 0, done: 0, failed: 0, oldestOpenRequestedAt: expect.any(Number) },
      },
    });
  });
});
