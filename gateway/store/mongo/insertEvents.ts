import { canonicalIdentifier } from "#gs1";
import type { EventRecord, InsertEventOutcome } from "../eventTypes.ts";
import {
  type ClientSession,
  type Collections,
  type EventDoc,
  hexOf,
  idBuffer,
  type SensorReportDoc,
} from "./documents.ts";
import { takeNumbers } from "./insertMessages.ts";

/** Thrown inside the transaction to abort an all-or-nothing group; never leaves this module. */
class RollBack extends Error {
  readonly outcomes: InsertEventOutcome[];

  constructor(outcomes: InsertEventOutcome[]) {
    super("roll back");
    this.outcomes = outcomes;
  }
}

/** Kelvin of a temperature in a UN/CEFACT unit, as sqlite/events/queryEvents.ts converts them; null otherwise. */
export function kelvinOf(value: number, uom: string | null): number | null {
  if (uom === "KEL") return value;
  if (uom === "CEL") return value + 273.15;
  if (uom === "FAH") return ((value - 32) * 5) / 9 + 273.15;
  return null;
}

const text = (v: unknown): string | null => (typeof v === "string" ? v : null);

/**
 * An event's sensor reports as EPCIS queries compare them, taken from its JSON once at capture (SQLite
 * reads the JSON at query time): the type as written, the device id in canonical form (the report's own,
 * else its element's metadata), the unit and value, and the value in kelvin for a temperature.
 */
export function sensorReportsOf(eventJson: string): SensorReportDoc[] {
  const event = JSON.parse(eventJson) as { sensorElementList?: unknown };
  if (!Array.isArray(event.sensorElementList)) return [];
  const reports: SensorReportDoc[] = [];
  for (const element of event.sensorElementList as Record<string, unknown>[]) {
    const metadata = (element?.sensorMetadata ?? {}) as Record<string, unknown>;
    const list = element?.sensorReport;
    if (!Array.isArray(list)) continue;
    for (const r of list as Record<string, unknown>[]) {
      const deviceId = text(r?.deviceID) ?? text(metadata.deviceID);
      const uom = text(r?.uom);
      const value = typeof r?.value === "number" ? r.value : null;
      reports.push({
        type: text(r?.type),
        deviceId: deviceId === null ? null : (canonicalIdentifier(deviceId) ?? deviceId),
        uom,
        value,
        kelvin: value === null ? null : kelvinOf(value, uom),
      });
    }
  }
  return reports;
}

/**
 * Stores events with their messages in the session's transaction, each after the last (SQLite's
 * insertEvents): each becomes a message (kind `event`, no seq) and an event document holding its
 * identifiers and sensor reports. Duplicates (the message id, or the event hash ID under another message)
 * are looked up first; with `allOrNothing` one of them aborts the whole transaction.
 */
export async function insertEvents(
  c: Collections,
  session: ClientSession,
  events: readonly EventRecord[],
  options: { allOrNothing: boolean },
): Promise<InsertEventOutcome[]> {
  const outcomes: InsertEventOutcome[] = [];
  const fresh: EventRecord[] = [];
  const seenIds = new Set<string>();
  const seenHashes = new Map<string, string>();
  for (const e of events) {
    const id = e.messageId.toLowerCase();
    if (seenIds.has(id) || (await c.messages.findOne({ _id: idBuffer(e.messageId) }, { session }))) {
      outcomes.push({ status: "duplicate-message" });
      continue;
    }
    const earlier = seenHashes.get(e.eventHash);
    const existing =
      earlier ??
      (await c.events
        .findOne({ eventHash: e.eventHash }, { session, projection: { messageId: 1 } })
        .then((d) => (d ? hexOf(d.messageId) : undefined)));
    if (existing !== undefined) {
      outcomes.push({ status: "duplicate-event", existingMessageId: existing as `0x${string}` });
      continue;
    }
    seenIds.add(id);
    seenHashes.set(e.eventHash, id);
    fresh.push(e);
    outcomes.push({ status: "inserted" });
  }
  if (options.allOrNothing && fresh.length < events.length) throw new RollBack(outcomes);
  if (fresh.length === 0) return outcomes;

  const first = await takeNumbers(c, session, "messages", fresh.length);
  await c.messages.insertMany(
    fresh.map((e, i) => ({
      _id: idBuffer(e.messageId),
      n: first + i,
      kind: "event" as const,
      device: e.signer,
      raw: Buffer.from(e.raw),
      deviceTs: e.eventTime,
      receivedAt: e.recordTime,
    })),
    { session },
  );
  const docs: EventDoc[] = fresh.map((e, i) => ({
    _id: first + i,
    messageId: idBuffer(e.messageId),
    eventHash: e.eventHash,
    eventId: e.eventId,
    organisation: e.organisation,
    signedBy: e.signedBy,
    type: e.type,
    eventTime: e.eventTime,
    recordTime: e.recordTime,
    action: e.action,
    bizStep: e.bizStep,
    disposition: e.disposition,
    readPoint: e.readPoint,
    bizLocation: e.bizLocation,
    visibility: e.visibility,
    eventJson: e.eventJson,
    // SQLite's (epc, role, n) primary key keeps one row per identifier and role.
    epcs: [...new Map(e.epcs.map((x) => [`${x.role} ${x.epc}`, x])).values()],
    sensorReports: sensorReportsOf(e.eventJson),
  }));
  await c.events.insertMany(docs, { session });
  return outcomes;
}

/** Runs insertEvents, turning an all-or-nothing abort into its outcomes (the duplicates say why). */
export async function insertEventsOrRollBack(
  run: () => Promise<InsertEventOutcome[]>,
): Promise<InsertEventOutcome[]> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof RollBack)) throw error;
    return error.outcomes.map((o) => (o.status === "inserted" ? { status: "not-stored" } : o));
  }
}
