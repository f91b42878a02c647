/**
 * What the provenance needs of an EPCIS event to know what held what, and when. Identifiers are compared
 * as given: the caller canonicalises them first (an EPC URN and a Digital Link of one object are equal).
 */
export type ContainmentEvent = {
  type: "AggregationEvent" | "AssociationEvent";
  action: "ADD" | "DELETE" | "OBSERVE";
  /** eventTime, ms. */
  time: number;
  parentID: string;
  /** childEPCs; an empty list with DELETE means "everything it held". */
  children: readonly string[];
};

/** `child` was inside (Aggregation) or attached to (Association) `parent` from `from` until `to` (null: still). */
export type Holding = {
  child: string;
  parent: string;
  from: number;
  to: number | null;
  kind: "aggregation" | "association";
};

/** One stretch of an item's journey: a logistic unit that held it, directly or through other units. */
export type Enclosure = {
  unit: string;
  from: number;
  to: number | null;
  /** The units between the item and `unit`, innermost first (empty: it held the item directly). */
  via: string[];
};

/** A sensor device attached to a unit that held the item: its readings describe the item over the stretch. */
export type SensorWatch = { device: string; unit: string; from: number; to: number | null; via: string[] };

/**
 * Turns Aggregation and Association events into holding intervals: an ADD opens one per child, a DELETE
 * closes the child's (every child's, when it names none), an OBSERVE changes nothing. Events are taken in
 * time order; an ADD for a child already held by the same parent keeps the first interval.
 * @example holdingsFromEvents(events).filter((h) => h.child === sscc)
 */
export function holdingsFromEvents(events: readonly ContainmentEvent[]): Holding[] {
  const closed: Holding[] = [];
  const open = new Map<string, Holding>(); // key: kind, parent, child
  const key = (kind: Holding["kind"], parent: string, child: string) =>
    `${kind}\u0000${parent}\u0000${child}`;
  for (const event of [...events].sort((a, b) => a.time - b.time)) {
    const kind = event.type === "AggregationEvent" ? "aggregation" : "association";
    if (event.action === "ADD") {
      for (const child of event.children) {
        const k = key(kind, event.parentID, child);
        if (!open.has(k)) open.set(k, { child, parent: event.parentID, from: event.time, to: null, kind });
      }
    } else if (event.action === "DELETE") {
      const prefix = `${kind}\u0000${event.parentID}\u0000`;
      const keys =
        event.children.length > 0
          ? event.children.map((child) => key(kind, event.parentID, child))
          : [...open.keys()].filter((k) => k.startsWith(prefix));
      for (const k of keys) {
        const holding = open.get(k);
        if (!holding) continue;
        open.delete(k);
        closed.push({ ...holding, to: event.time });
      }
    }
  }
  return [...closed, ...open.values()].sort((a, b) => a.from - b.from);
}

const overlap = (a: { from: number; to: number | null }, b: { from: number; to: number | null }) => {
  const from = Math.max(a.from, b.from);
  const to = a.to === null ? b.to : b.to === null ? a.to : Math.min(a.to, b.to);
  return to === null || to > from ? { from, to } : null;
};

/**
 * Every unit that held `item`, directly or nested (a product on a pallet in a container), each over the
 * stretch where the whole chain of holdings held at once. Bounded: nesting deeper than `maxDepth` is cut.
 * @example enclosuresOf("urn:epc:id:sgtin:…", holdings)
 */
export function enclosuresOf(item: string, holdings: readonly Holding[], maxDepth = 8): Enclosure[] {
  const aggregations = holdings.filter((h) => h.kind === "aggregation");
  const result: Enclosure[] = [];
  const walk = (child: string, span: { from: number; to: number | null }, via: string[]) => {
    if (via.length >= maxDepth) return;
    for (const h of aggregations) {
      if (h.child !== child || via.includes(h.parent) || h.parent === item) continue;
      const shared = overlap(span, h);
      if (!shared) continue;
      result.push({ unit: h.parent, from: shared.from, to: shared.to, via });
      walk(h.parent, shared, [...via, h.parent]);
    }
  };
  walk(item, { from: Number.NEGATIVE_INFINITY, to: null }, []);
  return result.sort((a, b) => a.from - b.from);
}

/**
 * The sensor devices whose readings describe `item`: each device attached (AssociationEvent) to a unit
 * that held the item, over the stretch where both held.
 * @example sensorsWatching(product, holdings).map((w) => w.device)
 */
export function sensorsWatching(item: string, holdings: readonly Holding[], maxDepth = 8): SensorWatch[] {
  const associations = holdings.filter((h) => h.kind === "association");
  const units = [
    { unit: item, from: Number.NEGATIVE_INFINITY, to: null as number | null, via: [] as string[] },
    ...enclosuresOf(item, holdings, maxDepth),
  ];
  const watches: SensorWatch[] = [];
  for (const enclosure of units) {
    for (const a of associations) {
      if (a.parent !== enclosure.unit) continue;
      const shared = overlap(enclosure, a);
      if (shared)
        watches.push({
          device: a.child,
          unit: enclosure.unit,
          from: shared.from,
          to: shared.to,
          via: enclosure.via,
        });
    }
  }
  return watches.sort((a, b) => a.from - b.from);
}
