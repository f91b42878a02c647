import type { EventVisibility, ProvenanceEventRecord } from "#gateway";
import { canonicalIdentifier } from "#gs1";
import { type ContainmentEvent, type Holding, holdingsFromEvents } from "#provenance";
import { containmentOf } from "../provenance/containmentOf.ts";

/** One sensor attached to the unit (AssociationEvent ADD … DELETE), with the event that attached it. */
export type SensorInterval = {
  /** The sensor as the AssociationEvent named it, canonical (a GIAI Digital Link). */
  device: string;
  from: number;
  /** null: still attached. */
  to: number | null;
  /** Who attached it and how visibly: a summary of the interval is captured for them, as visibly. */
  organisation: string;
  visibility: EventVisibility;
};

/** A sensor summary already stored for the unit: which sensor, which stretch, which event. */
export type StoredSummary = {
  device: string;
  from: number;
  to: number;
  record: ProvenanceEventRecord;
};

/**
 * What the events naming `unit` say about its sensors: every association interval (holdingsFromEvents'
 * rules: the first ADD opens, a DELETE closes) with the organisation whose AssociationEvent opened it, all
 * the holdings (the aggregations tell what the unit carried), and the sensor summaries stored for it.
 * `records` come from the store's eventsNaming([unit]), so every identifier is canonical.
 * @example sensorIntervals(await store.eventsNaming([sscc]), sscc).intervals.filter((i) => i.to !== null)
 */
export function sensorIntervals(
  records: readonly ProvenanceEventRecord[],
  unit: string,
): { intervals: SensorInterval[]; holdings: Holding[]; summaries: StoredSummary[] } {
  const ordered = [...records].sort((a, b) => a.eventTime - b.eventTime || a.arrival - b.arrival);
  const holdings = holdingsFromEvents(
    ordered.map(containmentOf).filter((c): c is ContainmentEvent => c !== null),
  );
  const intervals: SensorInterval[] = [];
  for (const h of holdings) {
    if (h.kind !== "association" || h.parent !== unit) continue;
    const opener = ordered.find(
      (e) =>
        e.type === "AssociationEvent" &&
        e.action === "ADD" &&
        e.eventTime === h.from &&
        e.epcs.some((x) => x.role === "parent" && x.epc === unit) &&
        e.epcs.some((x) => x.role === "child" && x.epc === h.child),
    );
    // holdingsFromEvents opened the interval from exactly such an event.
    if (!opener) continue;
    intervals.push({
      device: h.child,
      from: h.from,
      to: h.to,
      organisation: opener.organisation,
      visibility: opener.visibility,
    });
  }
  return { intervals, holdings, summaries: ordered.flatMap((r) => storedSummaries(r, unit)) };
}

type SensorElement = { sensorMetadata?: { deviceID?: unknown; startTime?: unknown; endTime?: unknown } };

/** The sensor stretches a stored `sensor_reporting` ObjectEvent about `unit` reports on. */
function storedSummaries(record: ProvenanceEventRecord, unit: string): StoredSummary[] {
  if (record.type !== "ObjectEvent" || record.bizStep !== "sensor_reporting") return [];
  if (!record.epcs.some((x) => x.role === "epc" && x.epc === unit)) return [];
  const event = JSON.parse(record.eventJson) as { sensorElementList?: unknown };
  if (!Array.isArray(event.sensorElementList)) return [];
  const found: StoredSummary[] = [];
  for (const element of event.sensorElementList as SensorElement[]) {
    const meta = element?.sensorMetadata;
    if (typeof meta?.deviceID !== "string") continue;
    const from = Date.parse(String(meta.startTime));
    const to = Date.parse(String(meta.endTime));
    if (Number.isNaN(from) || Number.isNaN(to)) continue;
    found.push({ device: canonicalIdentifier(meta.deviceID) ?? meta.deviceID, from, to, record });
  }
  return found;
}
