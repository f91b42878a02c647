import { type EpcisProblem, EpcisProblemCode, epcisProblem, pointerTo } from "./epcisProblem.ts";

export const EPCIS_EVENT_TYPES = [
  "ObjectEvent",
  "AggregationEvent",
  "TransactionEvent",
  "TransformationEvent",
  "AssociationEvent",
] as const;
export type EpcisEventType = (typeof EPCIS_EVENT_TYPES)[number];

export type EventRuleOptions = {
  /** Capture time, ms since the epoch. */
  now: number;
  /** How far in the future an eventTime may be (capturing clocks drift), ms. */
  maxClockSkewMs: number;
};

/** RFC 3339 date-time with an explicit offset: EPCIS times are instants, never local times. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const OFFSET = /^([+-])(\d{2}):(\d{2})$/;

/** Keys that EPCIS 2.0 (§7.3.8) lets a sensorMetadata state once for all the reports of its element. */
const SENSOR_SHARED_KEYS = [
  "time",
  "startTime",
  "endTime",
  "deviceID",
  "deviceMetadata",
  "rawData",
  "dataProcessingMethod",
  "bizRules",
];

/**
 * The rules of EPCIS 2.0 that GS1's JSON Schema cannot express, for one event that already passed the
 * schema: an explicit time zone and an offset within ±14:00, an eventTime no later than the capture time
 * plus the clock skew, an AggregationEvent's parent for ADD and DELETE (ILMD only on an ObjectEvent's
 * ADD and a TransformationEvent's input or output are rules the schema states itself), and that a sensor report does not
 * restate what its element's sensorMetadata already says. Returns every problem found (empty: none).
 * @example checkEventRules(event, "/epcisBody/eventList/0", { now: Date.now(), maxClockSkewMs: 300_000 })
 */
export function checkEventRules(
  event: Record<string, unknown>,
  pointer: string,
  options: EventRuleOptions,
): EpcisProblem[] {
  const problems: EpcisProblem[] = [];
  const problem = (code: EpcisProblemCode, at: string, detail: string) =>
    problems.push(epcisProblem(code, at, detail));

  const type = event.type;
  if (!EPCIS_EVENT_TYPES.includes(type as EpcisEventType)) {
    problem(
      EpcisProblemCode.UnknownEventType,
      pointerTo(pointer, "type"),
      `"${String(type).slice(0, 80)}" is not an EPCIS 2.0 event type (${EPCIS_EVENT_TYPES.join(", ")})`,
    );
    return problems;
  }

  const eventTime = event.eventTime;
  if (typeof eventTime !== "string" || !DATE_TIME.test(eventTime) || Number.isNaN(Date.parse(eventTime))) {
    problem(
      EpcisProblemCode.InvalidTimeZone,
      pointerTo(pointer, "eventTime"),
      "eventTime must be an RFC 3339 date-time with Z or an explicit ±hh:mm offset",
    );
  } else if (Date.parse(eventTime) > options.now + options.maxClockSkewMs) {
    problem(
      EpcisProblemCode.EventTimeInFuture,
      pointerTo(pointer, "eventTime"),
      `eventTime ${eventTime} is more than ${Math.round(options.maxClockSkewMs / 1000)} s after the capture time ${new Date(options.now).toISOString()}`,
    );
  }
  const offset =
    typeof event.eventTimeZoneOffset === "string" ? OFFSET.exec(event.eventTimeZoneOffset) : null;
  const minutes = offset ? Number(offset[2]) * 60 + Number(offset[3]) : Number.NaN;
  if (!offset || Number(offset[3]) >= 60 || minutes > 14 * 60) {
    problem(
      EpcisProblemCode.InvalidTimeZone,
      pointerTo(pointer, "eventTimeZoneOffset"),
      "eventTimeZoneOffset must be ±hh:mm between -14:00 and +14:00",
    );
  }

  const action = event.action;
  if (type === "AggregationEvent" && (action === "ADD" || action === "DELETE") && !("parentID" in event)) {
    problem(
      EpcisProblemCode.ActionRule,
      pointerTo(pointer, "parentID"),
      `an AggregationEvent with action ${action} needs a parentID`,
    );
  }
  const elements = Array.isArray(event.sensorElementList) ? event.sensorElementList : [];
  for (const [e, element] of elements.entries()) {
    const at = pointerTo(pointerTo(pointer, "sensorElementList"), e);
    const metadata = (element as { sensorMetadata?: Record<string, unknown> }).sensorMetadata ?? {};
    const reports = (element as { sensorReport?: unknown[] }).sensorReport ?? [];
    for (const [r, report] of reports.entries()) {
      for (const key of SENSOR_SHARED_KEYS) {
        if (key in metadata && report !== null && typeof report === "object" && key in report) {
          problem(
            EpcisProblemCode.SensorRule,
            pointerTo(pointerTo(pointerTo(at, "sensorReport"), r), key),
            `"${key}" is given in both sensorMetadata and sensorReport: state it once`,
          );
        }
      }
    }
  }
  return problems;
}
