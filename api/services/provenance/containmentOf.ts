import type { ProvenanceEventRecord } from "#gateway";
import type { ContainmentEvent } from "#provenance";

/**
 * A stored event as holdingsFromEvents reads it, or null when it packs or attaches nothing: an Aggregation
 * or Association event with an action and a parent (its children are the identifiers in the child role).
 * @example events.map(containmentOf).filter((c) => c !== null)
 */
export function containmentOf(e: ProvenanceEventRecord): ContainmentEvent | null {
  if (e.type !== "AggregationEvent" && e.type !== "AssociationEvent") return null;
  if (e.action !== "ADD" && e.action !== "DELETE" && e.action !== "OBSERVE") return null;
  const parent = e.epcs.find((x) => x.role === "parent")?.epc;
  if (parent === undefined) return null;
  return {
    type: e.type,
    action: e.action,
    time: e.eventTime,
    parentID: parent,
    children: e.epcs.filter((x) => x.role === "child").map((x) => x.epc),
  };
}
