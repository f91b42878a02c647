import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import { DeviceRegistry, SqliteStore } from "#gateway";
import { deviceIdentityFromPrivateKey, keccak256 } from "#protocol";
import { captureEvents } from "./services/capture/captureEvents.ts";
import { startApi } from "./startApi.ts";
import { checkedFetch, EXAMPLE_ADMIN_TOKEN, EXAMPLE_TARGET } from "./testing/index.ts";

// EXAMPLE attester key from a public label: never use such keys for real.
const attester = deviceIdentityFromPrivateKey(
  keccak256(new TextEncoder().encode("EXAMPLE recovery attester")),
);
const ACME_GLN = "4012345000009";
const dir = mkdtempSync(join(tmpdir(), "sealtrail-recovery-"));
const file = join(dir, "store.db");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const objectEvent = (serial: string, eventTime = "2026-01-05T10:00:00.000+01:00") => ({
  type: "ObjectEvent",
  eventTime,
  eventTimeZoneOffset: "+01:00",
  epcList: [`urn:epc:id:sgtin:4012345.011111.${serial}`],
  action: "OBSERVE",
  bizStep: "shipping",
});
const document = (events: unknown[]) => ({
  "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
  type: "EPCISDocument",
  schemaVersion: "2.0",
  creationDate: "2026-01-05T11:00:00.000Z",
  epcisBody: { eventList: events },
});

describe("capture jobs a crash interrupted", () => {
  it("When an API starts on a store with jobs left running, then they read as failed, saying what was stored", async () => {
    // The first run: two jobs recorded as the route records them, one of which got its events written
    // (proceed: two accepted, one refused) before the process died, neither finished.
    const before = SqliteStore.open(file);
    await before.createOrganisation({ id: "acme", name: "Acme", glns: [ACME_GLN], keys: [], createdAt: 1 });
    const t1 = Date.now() - 2_000;
    const t2 = t1 + 1_000;
    await before.createCaptureJob({
      id: "rollback-job",
      organisation: "acme",
      state: "running",
      createdAt: t1,
      finishedAt: null,
      result: { captureErrorBehaviour: "rollback" },
    });
    await before.createCaptureJob({
      id: "proceed-job",
      organisation: "acme",
      state: "running",
      createdAt: t2,
      finishedAt: null,
      result: { captureErrorBehaviour: "proceed" },
    });
    const outcome = await captureEvents(
      {
        kind: "document",
        document: document([objectEvent("1"), objectEvent("2", "2999-01-01T00:00:00Z"), objectEvent("3")]),
      },
      {
        store: before,
        attester,
        capturer: { kind: "admin" },
        organisation: "acme",
        visibility: "private",
        allOrNothing: false,
        now: t2,
      },
    );
    expect(outcome.captured.map((c) => c.index)).toEqual([0, 2]);
    await before.close();

    // The next run, on the same file.
    const store = SqliteStore.open(file);
    const registry = new DeviceRegistry(store);
    await registry.load();
    const api = await startApi({
      store,
      registry,
      adminToken: EXAMPLE_ADMIN_TOKEN,
      anchorTargets: () => [EXAMPLE_TARGET],
      isReady: () => true,
      attester,
      port: 0,
    });
    try {
      const job = async (id: string) => {
        const res = await checkedFetch(`${api.url}/epcis/capture/${id}`, {
          headers: { Authorization: `Bearer ${EXAMPLE_ADMIN_TOKEN}` },
        });
        expect(res.status).toBe(200);
        return (await res.json()) as Record<string, unknown>;
      };
      expect(await job("rollback-job")).toMatchObject({
        running: false,
        success: false,
        finishedAt: expect.any(String),
        captured: [],
        errors: [
          expect.objectContaining({
            index: null,
            code: "CAPTURE_INTERRUPTED",
            type: "epcisException:ImplementationException",
            detail: expect.stringContaining("none of its events were stored"),
          }),
        ],
      });
      const proceed = await job("proceed-job");
      expect(proceed).toMatchObject({
        running: false,
        success: false,
        captureErrorBehaviour: "proceed",
        errors: [
          expect.objectContaining({
            code: "CAPTURE_INTERRUPTED",
            detail: expect.stringContaining("2 of its events were stored"),
          }),
        ],
      });
      // What the job lists is what the store holds.
      expect(proceed.captured).toEqual(
        outcome.captured.map((c) => ({ index: null, eventID: c.eventID, messageId: c.messageId })),
      );
      for (const c of outcome.captured)
        expect(await store.findEvent({ messageId: c.messageId as `0x${string}` })).toBeDefined();
    } finally {
      await api.close();
      await store.close();
    }
  });
});
