import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { exampleDevice, sealBatch, startTestApi, storeReadings, type TestApi } from "./testing/apiHarness.ts";

let t: TestApi;
beforeEach(async () => {
  t = await startTestApi();
});
afterEach(async () => {
  await t.close();
});

describe("GET /devices and GET /devices/:address/readings", () => {
  it("lists registered devices and a device's readings by seq, with ids that lead to proofs", async () => {
    const device = exampleDevice("listing");
    const ids = await storeReadings(t, device, 5);
    const devices = (await (await t.fetch(`${t.base}/devices`)).json()) as { devices: { address: string }[] };
    expect(devices.devices.map((d) => d.address)).toEqual([device.address]);
    const res = await t.fetch(`${t.base}/devices/${device.address}/readings?limit=3`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { readings: { messageId: string; seq: number }[] };
    expect(body.readings.map((r) => [r.seq, r.messageId])).toEqual(
      ids.slice(0, 3).map((id, i) => [i + 1, id]),
    );
    expect((await t.fetch(`${t.base}/readings/${body.readings[0]!.messageId}/proof`)).status).toBe(200);
    await sealBatch(t.store, ids);
    const sealed = (await (await t.fetch(`${t.base}/devices/${device.address}/readings`)).json()) as {
      readings: { batchId: number | null }[];
    };
    expect(sealed.readings.map((r) => r.batchId)).toEqual([1, 1, 1, 1, 1]);
  });

  it("filters by device time and refuses bad queries and unknown devices", async () => {
    const device = exampleDevice("window");
    await storeReadings(t, device, 5, 1_700_000_000_000);
    const within = (await (
      await t.fetch(`${t.base}/devices/${device.address}/readings?fromTs=1700000120000&toTs=1700000180000`)
    ).json()) as {
      readings: { seq: number }[];
    };
    expect(within.readings.map((r) => r.seq)).toEqual([2, 3]);
    const bad = await t.fetch(`${t.base}/devices/${device.address}/readings?limit=5000`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("INVALID_QUERY");
    expect((await t.fetch(`${t.base}/devices/0x${"11".repeat(20)}/readings`)).status).toBe(404);
  });
});
