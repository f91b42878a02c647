import type { EventStore, EventViewer, ProvenanceEventRecord } from "#gateway";

/** Event hashes asked of the store at once (each is bound twice: eventID or hash ID). */
const CHUNK = 400;

/**
 * The event hashes among `records` that `viewer` may see whole. The admin sees all, anyone the public
 * ones; an organisation also its own and, for the rest, what the EPCIS query shows it — events about an
 * object it captured an event for — asked of the store with the query's own rule (queryEvents, filtered to
 * these events), so provenance and `GET /epcis/events` can never disagree on who sees what.
 * @example const visible = await visibleEvents(store, { kind: "organisation", id: "acme" }, records)
 */
export async function visibleEvents(
  store: Pick<EventStore, "queryEvents">,
  viewer: EventViewer,
  records: readonly ProvenanceEventRecord[],
): Promise<Set<string>> {
  if (viewer.kind === "admin") return new Set(records.map((r) => r.eventHash));
  const visible = new Set<string>();
  const ask: string[] = [];
  for (const r of records) {
    if (r.visibility === "public" || (viewer.kind === "organisation" && r.organisation === viewer.id))
      visible.add(r.eventHash);
    else if (viewer.kind === "organisation") ask.push(r.eventHash);
  }
  for (let i = 0; i < ask.length; i += CHUNK) {
    const eventIds = ask.slice(i, i + CHUNK);
    const { events } = await store.queryEvents({ viewer, eventIds, limit: eventIds.length });
    for (const e of events) visible.add(e.eventHash);
  }
  return visible;
}
