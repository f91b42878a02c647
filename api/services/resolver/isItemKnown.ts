import type { EpcRole, EventStore } from "#gateway";

const ANY_ROLE: EpcRole[] = ["epc", "parent", "child", "input", "output", "class"];

/**
 * True when at least one stored event names the item (its canonical id.gs1.org identifier) in any role.
 * Private events count: the provenance document shows them too (as hashes), so an item's existence is no
 * secret there either; what they say stays hidden behind the links. One indexed query, one row at most.
 * @example await isItemKnown(store, "https://id.gs1.org/01/09506000134352/21/A1") // false
 */
export async function isItemKnown(
  store: Pick<EventStore, "queryEvents">,
  canonical: string,
): Promise<boolean> {
  const { events } = await store.queryEvents({
    viewer: { kind: "admin" },
    epcs: [{ roles: ANY_ROLE, epcs: [canonical] }],
    limit: 1,
  });
  return events.length > 0;
}
