import type { EventStore, EventViewer, ProvenanceEventRecord } from "#gateway";
import {
  type ContainmentEvent,
  type Enclosure,
  enclosuresOf,
  type Holding,
  holdingsFromEvents,
} from "#provenance";
import { containmentOf } from "./containmentOf.ts";
import { visibleEvents } from "./visibleEvents.ts";

/** Deepest nesting followed (a product on a pallet in a container in a vessel …), as enclosuresOf bounds it. */
export const MAX_NESTING = 8;

export type ItemTrace = {
  /** Every event naming the item, or a unit while it held the item, oldest first (private ones included). */
  events: { record: ProvenanceEventRecord; subject: string }[];
  /** The units that held the item, nested, with when. */
  enclosures: Enclosure[];
  holdings: Holding[];
  /** Hash IDs of the events the viewer may see whole (visibleEvents); the others show as hashes only. */
  visible: Set<string>;
};

/**
 * Finds what held `item` and the events of its journey, level by level: the events naming the item give
 * the units it was packed into, their events give the units those were packed into and the sensors attached
 * to them, and so on (at most MAX_NESTING levels, one store query per level). Only events the caller may
 * see build the containment: a private AggregationEvent must not reveal its pallet to the public; private
 * events still appear in `events` (the route shows them as hashes only, so the record stays provably whole).
 * @example (await traceItem(store, "https://id.gs1.org/01/…/21/…", { kind: "anonymous" })).enclosures
 */
export async function traceItem(
  store: Pick<EventStore, "eventsNaming" | "queryEvents">,
  item: string,
  viewer: EventViewer,
): Promise<ItemTrace> {
  const byArrival = new Map<number, ProvenanceEventRecord>();
  const asked = new Set<string>();
  let frontier = [item];
  let holdings: Holding[] = [];
  let enclosures: Enclosure[] = [];
  const visible = new Set<string>();
  for (let level = 0; level <= MAX_NESTING && frontier.length > 0; level++) {
    for (const id of frontier) asked.add(id);
    const found = (await store.eventsNaming(frontier)).filter((e) => !byArrival.has(e.arrival));
    for (const e of found) byArrival.set(e.arrival, e);
    for (const hash of await visibleEvents(store, viewer, found)) visible.add(hash);
    const usable = [...byArrival.values()]
      .filter((e) => visible.has(e.eventHash))
      .map(containmentOf)
      .filter((c): c is ContainmentEvent => c !== null);
    holdings = holdingsFromEvents(usable);
    enclosures = enclosuresOf(item, holdings, MAX_NESTING);
    frontier = [...new Set(enclosures.map((e) => e.unit))].filter((u) => !asked.has(u));
  }
  // An event belongs to the journey when it names the item, or names a unit while that unit held the item.
  const events: ItemTrace["events"] = [];
  for (const record of [...byArrival.values()].sort(
    (a, b) => a.eventTime - b.eventTime || a.arrival - b.arrival,
  )) {
    const names = new Set(record.epcs.map((x) => x.epc));
    if (names.has(item)) {
      events.push({ record, subject: item });
      continue;
    }
    const during = enclosures.find(
      (en) =>
        names.has(en.unit) && record.eventTime >= en.from && (en.to === null || record.eventTime <= en.to),
    );
    if (during) events.push({ record, subject: during.unit });
  }
  return { events, enclosures, holdings, visible };
}
