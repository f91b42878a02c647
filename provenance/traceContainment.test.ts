import { describe, expect, it } from "@jest/globals";
import {
  type ContainmentEvent,
  enclosuresOf,
  holdingsFromEvents,
  sensorsWatching,
} from "./traceContainment.ts";

const H = 3_600_000;
const aggregate = (
  time: number,
  action: ContainmentEvent["action"],
  parentID: string,
  ...children: string[]
) => ({ type: "AggregationEvent", action, time, parentID, children }) as ContainmentEvent;
const associate = (
  time: number,
  action: ContainmentEvent["action"],
  parentID: string,
  ...children: string[]
) => ({ type: "AssociationEvent", action, time, parentID, children }) as ContainmentEvent;

// A product packed on a pallet at 1 h, the pallet loaded in a reefer container at 2 h, a sensor on the
// pallet from 1.5 h to 6 h and one on the container from 0 h; unloaded at 5 h, unpacked at 7 h.
const events = [
  aggregate(1 * H, "ADD", "pallet", "product", "other-product"),
  associate(1.5 * H, "ADD", "pallet", "sensor-p"),
  aggregate(2 * H, "ADD", "container", "pallet"),
  associate(0, "ADD", "container", "sensor-c"),
  aggregate(3 * H, "OBSERVE", "pallet", "product"),
  aggregate(5 * H, "DELETE", "container"),
  associate(6 * H, "DELETE", "pallet", "sensor-p"),
  aggregate(7 * H, "DELETE", "pallet", "product"),
];

describe("holdings, enclosures and the sensors watching an item", () => {
  const holdings = holdingsFromEvents(events);

  it("opens a holding on ADD, closes it on DELETE (all children when none is named), ignores OBSERVE", () => {
    expect(holdings.filter((h) => h.kind === "aggregation")).toEqual([
      { child: "product", parent: "pallet", from: 1 * H, to: 7 * H, kind: "aggregation" },
      { child: "other-product", parent: "pallet", from: 1 * H, to: null, kind: "aggregation" },
      { child: "pallet", parent: "container", from: 2 * H, to: 5 * H, kind: "aggregation" },
    ]);
  });

  it("finds every unit that held the item, nested, over the stretch where the whole chain held", () => {
    expect(enclosuresOf("product", holdings)).toEqual([
      { unit: "pallet", from: 1 * H, to: 7 * H, via: [] },
      { unit: "container", from: 2 * H, to: 5 * H, via: ["pallet"] },
    ]);
  });

  it("finds the sensors attached to those units, over the stretches where both held", () => {
    expect(sensorsWatching("product", holdings)).toEqual([
      { device: "sensor-p", unit: "pallet", from: 1.5 * H, to: 6 * H, via: [] },
      { device: "sensor-c", unit: "container", from: 2 * H, to: 5 * H, via: ["pallet"] },
    ]);
  });

  it("is bounded by a cycle of holdings (bad data) instead of walking forever", () => {
    const cyclic = holdingsFromEvents([aggregate(0, "ADD", "a", "b"), aggregate(0, "ADD", "b", "a")]);
    expect(enclosuresOf("a", cyclic)).toEqual([{ unit: "b", from: 0, to: null, via: [] }]);
  });
});
