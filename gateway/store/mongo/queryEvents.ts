import type { Hex } from "#protocol";
import type {
  EpcRole,
  EventQuery,
  EventViewer,
  LocationMatch,
  SensorReportMatch,
  StoredEvent,
  TimeRange,
} from "../eventTypes.ts";
import { batchFinder } from "./batches.ts";
import { type Collections, type EventDoc, eventFromDoc, hexOf, idBuffer } from "./documents.ts";
import { kelvinOf } from "./insertEvents.ts";

type Filter = Record<string, unknown>;

/** Roles that name one object: a product class is shared by everyone's products, so it grants nothing. */
const INSTANCE_ROLES: EpcRole[] = ["epc", "parent", "child", "input", "output"];
/** Float noise of the unit conversions (0 °C written as 273.15 K must match both ways). */
const EPSILON = 1e-9;
const TEMPERATURE_UOMS = ["KEL", "CEL", "FAH"];

function timeRange(and: Filter[], field: string, range: TimeRange | undefined): void {
  if (range?.ge !== undefined) and.push({ [field]: { $gte: range.ge } });
  if (range?.lt !== undefined) and.push({ [field]: { $lt: range.lt } });
}

function oneOf(and: Filter[], field: string, values: readonly string[] | undefined): void {
  if (values !== undefined) and.push({ [field]: { $in: [...values] } });
}

/** A location or, `within`, a GLN and any of its extensions (`…/414/{gln}/254/{ext}`): a range of the index. */
function location(and: Filter[], field: string, match: LocationMatch | undefined): void {
  if (match === undefined) return;
  const alternatives: Filter[] = [
    ...match.exact.map((id) => ({ [field]: id })),
    ...match.within.flatMap((id) => [{ [field]: id }, { [field]: { $gt: `${id}/254/`, $lt: `${id}/2540` } }]),
  ];
  and.push(alternatives.length === 0 ? { _id: { $in: [] } } : { $or: alternatives });
}

/**
 * Conditions on ONE sensor report, as sqlite/events/queryEvents.ts compares them (kelvin for temperatures).
 * Every condition holds for the same report: they are merged into one `$elemMatch` document, field by
 * field (a set of allowed values intersected, lower bounds raised, upper bounds lowered), since some
 * MongoDB-compatible servers take no `$and` inside `$elemMatch`.
 */
function sensorReport(and: Filter[], match: SensorReportMatch | undefined): void {
  if (match === undefined) return;
  const allowed = new Map<string, readonly (string | null)[]>();
  const lower = new Map<string, number>();
  const upper = new Map<string, number>();
  const allow = (field: string, values: readonly string[]) => {
    const before = allowed.get(field);
    allowed.set(
      field,
      before === undefined ? values : before.filter((v) => v !== null && values.includes(v)),
    );
  };
  const atLeast = (field: string, v: number) => lower.set(field, Math.max(lower.get(field) ?? v, v));
  const below = (field: string, v: number) => upper.set(field, Math.min(upper.get(field) ?? v, v));
  if (match.types !== undefined)
    allow(
      "type",
      match.types.flatMap((t) => [t, `gs1:${t}`, `https://gs1.org/voc/${t}`]),
    );
  if (match.deviceIds !== undefined) allow("deviceId", match.deviceIds);
  for (const v of match.values ?? []) {
    const isTemperature = kelvinOf(0, v.uom) !== null;
    const field = isTemperature ? "kelvin" : "value";
    const bound = (x: number) => (isTemperature ? kelvinOf(x, v.uom)! - EPSILON : x);
    allow("uom", isTemperature ? TEMPERATURE_UOMS : [v.uom]);
    if (v.ge !== undefined) atLeast(field, bound(v.ge));
    if (v.lt !== undefined) below(field, bound(v.lt));
  }
  const conditions: Filter = {};
  for (const [field, values] of allowed) conditions[field] = { $in: [...values] };
  for (const field of new Set([...lower.keys(), ...upper.keys()]))
    conditions[field] = {
      ...(lower.has(field) ? { $gte: lower.get(field) } : {}),
      ...(upper.has(field) ? { $lt: upper.get(field) } : {}),
    };
  and.push(
    Object.keys(conditions).length === 0
      ? { "sensorReports.0": { $exists: true } }
      : { sensorReports: { $elemMatch: conditions } },
  );
}

/**
 * What a viewer may see: admin everything, anyone public events, an organisation also its own events and
 * every event about an object (instance roles) it captured an event about.
 */
async function visibility(c: Collections, and: Filter[], viewer: EventViewer): Promise<void> {
  if (viewer.kind === "admin") return;
  if (viewer.kind === "anonymous") {
    and.push({ visibility: "public" });
    return;
  }
  const mine = (await c.events
    .aggregate([
      { $match: { organisation: viewer.id } },
      { $unwind: "$epcs" },
      { $match: { "epcs.role": { $in: INSTANCE_ROLES } } },
      { $group: { _id: "$epcs.epc" } },
    ])
    .toArray()) as { _id: string }[];
  and.push({
    $or: [
      { visibility: "public" },
      { organisation: viewer.id },
      ...(mine.length === 0
        ? []
        : [
            { epcs: { $elemMatch: { epc: { $in: mine.map((m) => m._id) }, role: { $in: INSTANCE_ROLES } } } },
          ]),
    ],
  });
}

/** The filter of an EPCIS query (every condition AND, the values of one condition OR), its cursor included. */
export async function eventQueryFilter(c: Collections, query: EventQuery): Promise<Filter> {
  const and: Filter[] = [];
  oneOf(and, "type", query.eventTypes);
  timeRange(and, "eventTime", query.eventTime);
  timeRange(and, "recordTime", query.recordTime);
  oneOf(and, "action", query.actions);
  oneOf(and, "bizStep", query.bizSteps);
  oneOf(and, "disposition", query.dispositions);
  location(and, "readPoint", query.readPoint);
  location(and, "bizLocation", query.bizLocation);
  for (const m of query.epcs ?? [])
    and.push({ epcs: { $elemMatch: { epc: { $in: [...m.epcs] }, role: { $in: [...m.roles] } } } });
  if (query.eventIds !== undefined)
    and.push({
      $or: [{ eventId: { $in: [...query.eventIds] } }, { eventHash: { $in: [...query.eventIds] } }],
    });
  sensorReport(and, query.sensorReport);
  await visibility(c, and, query.viewer);
  if (query.after)
    and.push({
      $or: [
        { eventTime: { $gt: query.after.eventTime } },
        { eventTime: query.after.eventTime, _id: { $gt: query.after.arrival } },
      ],
    });
  return and.length === 0 ? {} : { $and: and };
}

/** Events with their messages (raw bytes, signer) and batches, in the order given. */
async function withMessages(c: Collections, docs: EventDoc[]): Promise<StoredEvent[]> {
  if (docs.length === 0) return [];
  const messages = new Map(
    (
      await c.messages
        .find({ _id: { $in: docs.map((d) => d.messageId) } }, { projection: { _id: 1, raw: 1, device: 1 } })
        .toArray()
    ).map((m) => [hexOf(m._id), m]),
  );
  const batchOf = await batchFinder(
    c,
    docs.map((d) => d._id),
  );
  return docs.map((d) => eventFromDoc(d, messages.get(hexOf(d.messageId))!, batchOf(d._id)));
}

/**
 * Runs an EPCIS query: the events matching every condition that the viewer may see, in event-time order
 * (ties by arrival: the event_time index), `limit` of them and whether more follow.
 */
export async function queryEvents(
  c: Collections,
  query: EventQuery,
): Promise<{ events: StoredEvent[]; more: boolean }> {
  const docs = await c.events
    .find(await eventQueryFilter(c, query), { sort: { eventTime: 1, _id: 1 }, limit: query.limit + 1 })
    .toArray();
  const more = docs.length > query.limit;
  return { events: await withMessages(c, docs.slice(0, query.limit)), more };
}

/** One event by its message id, its eventID (the first captured, as SQLite) or its event hash ID. */
export async function findEvent(
  c: Collections,
  key: { messageId: Hex } | { eventId: string } | { eventHash: string },
): Promise<StoredEvent | undefined> {
  const filter =
    "messageId" in key
      ? { messageId: idBuffer(key.messageId) }
      : "eventHash" in key
        ? { eventHash: key.eventHash }
        : { eventId: key.eventId };
  const doc = await c.events.find(filter, { sort: { _id: 1 }, limit: 1 }).next();
  return doc ? (await withMessages(c, [doc]))[0] : undefined;
}

/** eventID and message id of an organisation's events with this record time, in arrival order. */
export async function eventsRecordedAt(
  c: Collections,
  organisation: string,
  recordTime: number,
): Promise<{ eventId: string; messageId: Hex }[]> {
  const docs = await c.events
    .find({ recordTime, organisation }, { sort: { _id: 1 }, projection: { eventId: 1, messageId: 1 } })
    .toArray();
  return docs.map((d) => ({ eventId: d.eventId, messageId: hexOf(d.messageId) }));
}
