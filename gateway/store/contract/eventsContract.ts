// The store contract: captured events, EPCIS queries and capture jobs.
import { beforeEach, describe, expect, it } from "@jest/globals";
import type { EventQuery } from "../eventTypes.ts";
import { dev, type StoreUnderTest, sealAll } from "./context.ts";
import { DL, event, GLN, reading, SSCC, serialOf } from "./fixtures.ts";

/** Events beside readings, duplicates, EPCIS queries, capture jobs. */
export function eventsContract(current: () => StoreUnderTest): void {
  describe("events", () => {
    let store: StoreUnderTest;
    beforeEach(() => {
      store = current();
    });

    it("stores events beside readings: batched with them, never listed as readings, found by every key", async () => {
      await store.insertMessage(reading(dev, 1));
      const e = event("1");
      expect(await store.insertEvents([e], { allOrNothing: true })).toEqual([{ status: "inserted" }]);
      await store.insertMessage(reading(dev, 2));
      // A signer's events have no seq: many of them pass the (device, seq) rule.
      expect(await store.insertEvents([event("2"), event("3")], { allOrNothing: true })).toEqual([
        { status: "inserted" },
        { status: "inserted" },
      ]);
      const b = await sealAll(store, "1");
      expect(b.size).toBe(5);
      expect(await store.batchMessageIds(b.id)).toContain(e.messageId);
      expect(await store.getMessage(e.messageId)).toBeUndefined();
      expect((await store.listMessages({ limit: 10 })).messages.map((m) => m.seq)).toEqual([1, 2]);
      const found = await store.findEvent({ messageId: e.messageId });
      expect(found).toEqual({ ...e, batchId: b.id, arrival: found!.arrival });
      expect(await store.findEvent({ eventId: e.eventId })).toEqual(found);
      expect(await store.findEvent({ eventHash: e.eventHash })).toEqual(found);
      expect(await store.findEvent({ eventHash: "ni:///sha-256;00?ver=CBV2.0" })).toBeUndefined();
      expect(await store.countMessages()).toBe(5);
    });

    it("refuses duplicates: all-or-nothing stores none of the group, otherwise the others are stored", async () => {
      const e1 = event("1");
      await store.insertEvents([e1], { allOrNothing: true });
      const sameEventOtherBytes = event("1", { messageId: `0x${"22".repeat(32)}`, raw: new Uint8Array(4) });
      expect(await store.insertEvents([event("2"), sameEventOtherBytes, e1], { allOrNothing: true })).toEqual(
        [
          { status: "not-stored" },
          { status: "duplicate-event", existingMessageId: e1.messageId },
          { status: "duplicate-message" },
        ],
      );
      expect(await store.findEvent({ eventHash: event("2").eventHash })).toBeUndefined();
      expect(await store.countMessages()).toBe(1);
      expect(
        await store.insertEvents([event("2"), sameEventOtherBytes, event("2")], { allOrNothing: false }),
      ).toEqual([
        { status: "inserted" },
        { status: "duplicate-event", existingMessageId: e1.messageId },
        { status: "duplicate-message" },
      ]);
      expect(await store.countMessages()).toBe(2);
    });

    describe("EPCIS queries", () => {
      const q = (query: Partial<EventQuery>): EventQuery => ({
        viewer: { kind: "admin" },
        limit: 100,
        ...query,
      });
      const serials = async (query: Partial<EventQuery>) =>
        (await store.queryEvents(q(query))).events.map(serialOf);

      it("pages in event-time order, ties by arrival, and says whether more follow", async () => {
        await store.insertEvents(
          [
            event("c", { eventTime: 300 }),
            event("a", { eventTime: 100 }),
            event("b1", { eventTime: 200 }),
            event("b2", { eventTime: 200 }),
          ],
          { allOrNothing: true },
        );
        const page = await store.queryEvents(q({ limit: 2 }));
        expect(page.events.map(serialOf)).toEqual(["a", "b1"]);
        expect(page.more).toBe(true);
        const last = page.events[1]!;
        const rest = await store.queryEvents(
          q({ limit: 2, after: { eventTime: last.eventTime, arrival: last.arrival } }),
        );
        expect(rest.events.map(serialOf)).toEqual(["b2", "c"]);
        expect(rest.more).toBe(false);
      });

      it("narrows by type, times, action, business step, disposition, identifiers and event ids (AND of ORs)", async () => {
        const parent = SSCC("1");
        await store.insertEvents(
          [
            event("1", {
              eventTime: 100,
              recordTime: 1_000,
              bizStep: "shipping",
              disposition: "in_transit",
            }),
            event("2", { eventTime: 200, recordTime: 2_000, bizStep: "receiving", action: "ADD" }),
            event("3", {
              type: "AggregationEvent",
              eventTime: 300,
              action: "ADD",
              bizStep: "packing",
              epcs: [
                { epc: parent, role: "parent" },
                { epc: DL("1"), role: "child" },
              ],
            }),
          ],
          { allOrNothing: true },
        );
        expect(await serials({ eventTypes: ["AggregationEvent"] })).toEqual(["3"]);
        expect(await serials({ eventTime: { ge: 150, lt: 300 } })).toEqual(["2"]);
        expect(await serials({ recordTime: { lt: 1_500 } })).toEqual(["1"]);
        expect(await serials({ actions: ["ADD"], bizSteps: ["receiving", "packing"] })).toEqual(["2", "3"]);
        expect(await serials({ dispositions: ["in_transit"] })).toEqual(["1"]);
        expect(await serials({ epcs: [{ roles: ["epc"], epcs: [DL("1")] }] })).toEqual(["1"]);
        expect(await serials({ epcs: [{ roles: ["epc", "child"], epcs: [DL("1")] }] })).toEqual(["1", "3"]);
        expect(
          await serials({
            epcs: [
              { roles: ["child"], epcs: [DL("1")] },
              { roles: ["parent"], epcs: [parent] },
            ],
          }),
        ).toEqual(["3"]);
        expect(await serials({ epcs: [{ roles: ["parent"], epcs: [DL("1")] }] })).toEqual([]);
        expect(await serials({ eventIds: [event("2").eventId, "urn:uuid:none"] })).toEqual(["2"]);
      });

      it("matches a location exactly, or within a GLN: the GLN itself and its extensions, not a longer GLN", async () => {
        await store.insertEvents(
          [
            event("1", { bizLocation: GLN, readPoint: `${GLN}/254/dock1` }),
            event("2", { bizLocation: `${GLN}/254/cold` }),
            event("3", { bizLocation: `${GLN}0` }),
          ],
          { allOrNothing: true },
        );
        expect(await serials({ bizLocation: { exact: [GLN], within: [] } })).toEqual(["1"]);
        expect(await serials({ bizLocation: { exact: [], within: [GLN] } })).toEqual(["1", "2"]);
        expect(await serials({ readPoint: { exact: [`${GLN}/254/dock1`], within: [] } })).toEqual(["1"]);
        expect(await serials({ readPoint: { exact: [], within: [] } })).toEqual([]);
      });

      it("matches sensor reports by type, device and value, temperatures compared across units", async () => {
        const sensorEvent = (serial: string, report: Record<string, unknown>, metadata = {}) => {
          const body = {
            type: "ObjectEvent",
            serial,
            sensorElementList: [{ sensorMetadata: metadata, sensorReport: [report] }],
          };
          return event(serial, { eventJson: JSON.stringify(body) });
        };
        await store.insertEvents(
          [
            sensorEvent(
              "cold",
              { type: "gs1:Temperature", value: 4, uom: "CEL" },
              {
                deviceID: "urn:epc:id:giai:4012345.ABC1",
              },
            ),
            sensorEvent("warm", { type: "Temperature", value: 50, uom: "FAH" }),
            sensorEvent("wet", { type: "https://gs1.org/voc/Humidity", value: 80, uom: "A93" }),
            event("none"),
          ],
          { allOrNothing: true },
        );
        expect(await serials({ sensorReport: { types: ["Temperature"] } })).toEqual(["cold", "warm"]);
        expect(await serials({ sensorReport: { types: ["Humidity"] } })).toEqual(["wet"]);
        expect(
          await serials({ sensorReport: { deviceIds: ["https://id.gs1.org/8004/4012345ABC1"] } }),
        ).toEqual(["cold"]);
        // 50 °F is 10 °C; 4 °C is 277.15 K.
        expect(await serials({ sensorReport: { values: [{ uom: "CEL", ge: 5 }] } })).toEqual(["warm"]);
        expect(await serials({ sensorReport: { values: [{ uom: "KEL", ge: 277.15, lt: 280 }] } })).toEqual([
          "cold",
        ]);
        expect(await serials({ sensorReport: { values: [{ uom: "A93", ge: 50 }] } })).toEqual(["wet"]);
        expect(await serials({ sensorReport: {} })).toEqual(["cold", "warm", "wet"]);
      });

      it("shows anyone public events, an organisation also its own and those about objects it captured, admin all", async () => {
        await store.insertEvents(
          [
            event("pub", { visibility: "public", organisation: "beta" }),
            event("mine", { organisation: "acme" }),
            // Beta's private event about an object acme captured an event about: part of its history.
            event("about", {
              organisation: "beta",
              eventJson: JSON.stringify({ serial: "about" }),
              epcs: [{ epc: DL("mine"), role: "epc" }],
            }),
            // A product class grants nothing: everyone's products share it.
            event("class", {
              organisation: "beta",
              epcs: [
                { epc: "https://id.gs1.org/01/04012345111118", role: "class" },
                { epc: DL("other"), role: "epc" },
              ],
            }),
          ],
          { allOrNothing: true },
        );
        expect(await serials({ viewer: { kind: "anonymous" } })).toEqual(["pub"]);
        expect(await serials({ viewer: { kind: "organisation", id: "acme" } })).toEqual([
          "pub",
          "mine",
          "about",
        ]);
        expect(await serials({ viewer: { kind: "organisation", id: "gamma" } })).toEqual(["pub"]);
        expect(await serials({ viewer: { kind: "admin" } })).toEqual(["pub", "mine", "about", "class"]);
      });
    });

    it("keeps capture jobs, finds the running ones after a restart, and the events a job stored", async () => {
      await store.createCaptureJob({
        id: "j2",
        organisation: "acme",
        state: "running",
        createdAt: 20,
        finishedAt: null,
        result: {},
      });
      await store.createCaptureJob({
        id: "j1",
        organisation: null,
        state: "running",
        createdAt: 10,
        finishedAt: null,
        result: {},
      });
      expect((await store.listRunningCaptureJobs()).map((j) => j.id)).toEqual(["j1", "j2"]);
      const result = { errors: [{ index: 0, code: "BAD" }], "$odd.key": true };
      await store.finishCaptureJob("j2", { state: "failed", finishedAt: 30, result });
      expect(await store.getCaptureJob("j2")).toEqual({
        id: "j2",
        organisation: "acme",
        state: "failed",
        createdAt: 20,
        finishedAt: 30,
        result,
      });
      expect((await store.listRunningCaptureJobs()).map((j) => j.id)).toEqual(["j1"]);
      expect(await store.getCaptureJob("nope")).toBeUndefined();

      const a = event("a", { recordTime: 20, organisation: "acme" });
      const b = event("b", { recordTime: 20, organisation: "acme" });
      await store.insertEvents([a, b, event("c", { recordTime: 20, organisation: "beta" })], {
        allOrNothing: true,
      });
      expect(await store.eventsRecordedAt("acme", 20)).toEqual([
        { eventId: a.eventId, messageId: a.messageId },
        { eventId: b.eventId, messageId: b.messageId },
      ]);
    });
  });
}
