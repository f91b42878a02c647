import { describe, expect, it } from "@jest/globals";
import type { EpcRole, ProvenanceEventRecord } from "#gateway";
import { traceItem } from "./traceItem.ts";

let arrival = 0;
/** An event naming `parent` (role parent) and `children` (role child), or `epcs` (role epc). */
const event = (
  type: string,
  time: number,
  fields: { action?: string; parent?: string; children?: string[]; epcs?: string[] },
  visibility: "public" | "private" = "public",
): ProvenanceEventRecord => ({
  arrival: ++arrival,
  messageId: `0x${arrival.toString(16).padStart(64, "0")}`,
  eventHash: `ni:///sha-256;${arrival}?ver=CBV2.0`,
  eventId: `e${arrival}`,
  organisation: "acme",
  signedBy: "attester",
  type,
  eventTime: time,
  action: fields.action ?? "OBSERVE",
  bizStep: null,
  visibility,
  eventJson: "{}",
  epcs: [
    ...(fields.parent ? [{ epc: fields.parent, role: "parent" as EpcRole }] : []),
    ...(fields.children ?? []).map((epc) => ({ epc, role: "child" as EpcRole })),
    ...(fields.epcs ?? []).map((epc) => ({ epc, role: "epc" as EpcRole })),
  ],
  batchId: null,
});

// A product packed on a pallet at 10, the pallet loaded into a container at 20 (a private event), the
// container shipped at 30 and unloaded at 40; the pallet shipped once more at 50, after the product left it at 45.
const events = [
  event("ObjectEvent", 0, { action: "ADD", epcs: ["product"] }),
  event("AggregationEvent", 10, { action: "ADD", parent: "pallet", children: ["product"] }),
  event("AggregationEvent", 20, { action: "ADD", parent: "container", children: ["pallet"] }, "private"),
  event("ObjectEvent", 30, { epcs: ["container"] }),
  event("AggregationEvent", 40, { action: "DELETE", parent: "container", children: ["pallet"] }),
  event("AggregationEvent", 45, { action: "DELETE", parent: "pallet", children: ["product"] }),
  event("ObjectEvent", 50, { epcs: ["pallet"] }),
];
/** A store that answers eventsNaming from the list above, counting its queries. */
function fakeStore() {
  const asked: string[][] = [];
  return {
    asked,
    async eventsNaming(epcs: readonly string[]) {
      asked.push([...epcs]);
      return events.filter((e) => e.epcs.some((x) => epcs.includes(x.epc)));
    },
    // Only an organisation viewer asks; these tests read as the admin and the public.
    async queryEvents(): Promise<never> {
      throw new Error("not asked");
    },
  };
}

describe("traceItem", () => {
  it("finds the units that held the item level by level, and the events of each while it held the item", async () => {
    const store = fakeStore();
    const trace = await traceItem(store, "product", { kind: "admin" });
    expect(store.asked).toEqual([["product"], ["pallet"], ["container"]]);
    expect(trace.enclosures).toEqual([
      { unit: "pallet", from: 10, to: 45, via: [] },
      { unit: "container", from: 20, to: 40, via: ["pallet"] },
    ]);
    // The pallet's shipping at 50 came after the product had left it: not part of the product's journey.
    expect(trace.events.map((e) => [e.record.eventTime, e.subject])).toEqual([
      [0, "product"],
      [10, "product"],
      [20, "pallet"],
      [30, "container"],
      [40, "pallet"],
      [45, "product"],
    ]);
  });

  it("does not let a private event reveal a unit to the public", async () => {
    const trace = await traceItem(fakeStore(), "product", { kind: "anonymous" });
    expect(trace.enclosures.map((e) => e.unit)).toEqual(["pallet"]);
    // The private loading event still names the pallet while it held the product: listed (shown as a hash).
    expect(trace.events.find((e) => e.record.visibility === "private")?.subject).toBe("pallet");
  });
});
