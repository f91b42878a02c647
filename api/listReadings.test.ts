import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { Hex } from "#protocol";
import {
  EXAMPLE_TARGET,
  exampleDevice,
  sealBatch,
  startTestApi,
  storeReadings,
  type TestApi,
} from "./testing/index.ts";

type Page = {
  readings: { messageId: Hex; device: string; seq: number; batchId: number | null; status: string }[];
  next: string | null;
  nextCursor: string | null;
};

const alice = exampleDevice("list alice");
const bob = exampleDevice("list bob");

describe("GET /readings and cursor pages", () => {
  let t: TestApi;
  let aliceIds: Hex[];
  let bobIds: Hex[];
  beforeAll(async () => {
    t = await startTestApi();
    // alice's 1,205 readings arrive first (more than one page of the largest size), then bob's 5.
    aliceIds = await storeReadings(t, alice, 1205, 1_700_000_000_000);
    bobIds = await storeReadings(t, bob, 5, 1_800_000_000_000);
    await sealBatch(t.store, [...aliceIds.slice(0, 1000)]);
    await t.store.putAnchor(EXAMPLE_TARGET, 1, {
      status: "included",
      txHash: `0x${"ab".repeat(32)}`,
      blockNumber: 9,
      blockTimestamp: 1_700_001_000,
    });
  });
  afterAll(async () => {
    await t.close();
  });

  /** Follows `next` links from `first` to the end; returns every page. */
  async function follow(first: string): Promise<Page[]> {
    const pages: Page[] = [];
    let url: string | null = first;
    while (url !== null) {
      const res = await t.fetch(url.startsWith("http") ? url : `${t.api.url}${url}`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as Page;
      const link = res.headers.get("link");
      if (page.next === null) expect(link).toBeNull();
      else expect(link).toBe(`<${page.next}>; rel="next"`);
      pages.push(page);
      url = page.next;
      if (pages.length > 50) throw new Error("too many pages");
    }
    return pages;
  }

  it("lists every stored reading in arrival order, a page at a time, each once, with its batch and status", async () => {
    const pages = await follow(`${t.base}/readings?limit=400`);
    expect(pages.map((p) => p.readings.length)).toEqual([400, 400, 400, 10]);
    const all = pages.flatMap((p) => p.readings);
    expect(all.map((r) => r.messageId)).toEqual([...aliceIds, ...bobIds]);
    expect(all[0]).toMatchObject({ device: alice.address, seq: 1, batchId: 1, status: "included" });
    expect(all[1000]).toMatchObject({ seq: 1001, batchId: null, status: "pending" });
  });

  it("gives one device's readings past 1,000 through the cursor, and no next page after the last", async () => {
    const pages = await follow(`${t.base}/devices/${alice.address}/readings?limit=1000`);
    expect(pages.map((p) => p.readings.length)).toEqual([1000, 205]);
    expect(pages.flatMap((p) => p.readings.map((r) => r.messageId))).toEqual(aliceIds);
    const first = (await (await t.fetch(`${t.base}/devices/${bob.address}/readings`)).json()) as Page;
    expect(first.readings).toHaveLength(5);
    expect(first.next).toBeNull();
  });

  it.each([
    ["device", `device=${bob.address}`, () => bobIds],
    ["device time", "fromTs=1700000060000&toTs=1700000180000", () => aliceIds.slice(0, 3)],
    ["receive time", "receivedFrom=1800000000000", () => bobIds],
    ["batch", "batchId=1", () => aliceIds.slice(0, 1000)],
    ["anchor status", "status=pending", () => [...aliceIds.slice(1000), ...bobIds]],
    ["a batch that does not exist", "batchId=7", () => []],
    ["a device that is not registered", `device=0x${"12".repeat(20)}`, () => []],
  ])("filters by %s, across pages", async (_what, query, want) => {
    const pages = await follow(`${t.base}/readings?${query}&limit=150`);
    expect(pages.flatMap((p) => p.readings.map((r) => r.messageId))).toEqual(want());
  });

  it("lets the page size change between pages but refuses a cursor with other filters (400 INVALID_CURSOR)", async () => {
    const first = (await (await t.fetch(`${t.base}/readings?status=pending&limit=2`)).json()) as Page;
    const cursor = first.nextCursor!;
    const wider = await t.fetch(`${t.base}/readings?status=pending&limit=3&cursor=${cursor}`);
    expect(((await wider.json()) as Page).readings.map((r) => r.seq)).toEqual([1003, 1004, 1005]);
    for (const query of [
      `status=sealed&cursor=${cursor}`,
      `cursor=${cursor}`,
      `device=${alice.address}&cursor=${cursor}`,
    ]) {
      const res = await t.fetch(`${t.base}/readings?${query}`);
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe("INVALID_CURSOR");
    }
  });

  it.each([
    [
      "a forged cursor",
      `cursor=${Buffer.from('[1,"arrival","x",0,0,0]').toString("base64url")}`,
      "INVALID_CURSOR",
    ],
    ["a cursor that is not base64url", "cursor=not%20a%20cursor", "INVALID_CURSOR"],
    ["a limit over 1000", "limit=1001", "INVALID_QUERY"],
    ["a limit of 0", "limit=0", "INVALID_QUERY"],
    ["a negative time", "fromTs=-1", "INVALID_QUERY"],
    ["a reversed window", "receivedFrom=5&receivedTo=4", "INVALID_QUERY"],
    ["an unknown status", "status=anchored", "INVALID_QUERY"],
    ["batch 0", "batchId=0", "INVALID_QUERY"],
    ["a malformed device", "device=0x1234", "INVALID_QUERY"],
    ["a parameter given twice", "limit=1&limit=2", "INVALID_QUERY"],
    ["an unknown parameter", "form=1", "INVALID_QUERY"],
  ])("answers 400 for %s", async (_what, query, code) => {
    const res = await t.fetch(`${t.base}/readings?${query}`);
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe(code);
  });

  it("refuses the global filters on one device's list, which its path already scopes", async () => {
    const res = await t.fetch(`${t.base}/devices/${alice.address}/readings?device=${bob.address}`);
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("INVALID_QUERY");
  });
});
