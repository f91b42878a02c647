import type { EpcRole, EventQuery, LocationMatch, SensorReportMatch, TimeRange } from "#gateway";
import { canonicalIdentifier } from "#gs1";
import { cbvTerm, sensorType } from "./cbvTerm.ts";
import { queryParameterProblem } from "./queryProblem.ts";

/** The event types of EPCIS 2.0 (GET /epcis/eventTypes lists them). */
export const EPCIS_EVENT_TYPES = [
  "ObjectEvent",
  "AggregationEvent",
  "TransactionEvent",
  "TransformationEvent",
  "AssociationEvent",
] as const;

/** Events per page when `perPage` is not given, and the most a page holds (a larger perPage is lowered). */
export const DEFAULT_PER_PAGE = 100;
export const MAX_PER_PAGE = 1_000;

/** What the store is asked, less the viewer, the cursor and the limit, which the route adds. */
export type ParsedEventQuery = {
  conditions: Omit<EventQuery, "viewer" | "after" | "limit">;
  perPage: number;
  nextPageToken: string | undefined;
  /** The query's parameters in a canonical order, without paging: what a page token is tied to. */
  key: string;
};

const MATCH_ROLES: Readonly<Record<string, EpcRole[]>> = {
  // EPCIS 2.0 §8.2.7.1: MATCH_epc looks at epcList and childEPCs; MATCH_anyEPC at every instance list.
  MATCH_epc: ["epc", "child"],
  MATCH_parentID: ["parent"],
  MATCH_inputEPC: ["input"],
  MATCH_outputEPC: ["output"],
  MATCH_anyEPC: ["epc", "parent", "child", "input", "output"],
  MATCH_epcClass: ["class"],
};
const LIST_PARAMS = new Set([
  "eventType",
  "EQ_action",
  "EQ_bizStep",
  "EQ_disposition",
  "EQ_readPoint",
  "WD_readPoint",
  "EQ_bizLocation",
  "WD_bizLocation",
  "EQ_eventID",
  "EQ_type",
  "EQ_deviceID",
  ...Object.keys(MATCH_ROLES),
]);
const SINGLE_PARAMS = new Set([
  "GE_eventTime",
  "LT_eventTime",
  "GE_recordTime",
  "LT_recordTime",
  "perPage",
  "nextPageToken",
]);
const VALUE_PARAM = /^(GE|LT)_value_([A-Z0-9]{2,3})$/;
// RFC 3339 date-time, as EPCIS times are written: a zone is required (a local time would be ambiguous).
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/i;
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
/** Longest value of one parameter: identifiers are at most a few hundred characters. */
const MAX_VALUE_LENGTH = 2_048;
const MAX_VALUES = 100;

const canonical = (id: string): string => canonicalIdentifier(id) ?? id;

/** A parameter's values: repeated parameters and `|`-separated lists (GS1's REST binding) alike. */
function valuesOf(name: string, raw: unknown): string[] {
  const list = Array.isArray(raw) ? raw : [raw];
  const values: string[] = [];
  for (const item of list) {
    if (typeof item !== "string") throw queryParameterProblem(`${name} must be a plain value`);
    if (item.length > MAX_VALUE_LENGTH) throw queryParameterProblem(`${name} is too long`);
    values.push(...item.split("|"));
  }
  if (values.some((v) => v === "")) throw queryParameterProblem(`${name} has an empty value`);
  if (values.length > MAX_VALUES) throw queryParameterProblem(`${name} has more than ${MAX_VALUES} values`);
  return values;
}

function single(name: string, raw: unknown): string {
  const values = valuesOf(name, raw);
  if (values.length !== 1 || Array.isArray(raw)) throw queryParameterProblem(`${name} takes one value`);
  return values[0]!;
}

function time(name: string, raw: unknown): number {
  const value = single(name, raw);
  const ms = DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw queryParameterProblem(`${name} must be an RFC 3339 date-time with a zone`);
  return ms;
}

function number(name: string, raw: unknown): number {
  const value = single(name, raw);
  const n = NUMBER.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) throw queryParameterProblem(`${name} must be a number`);
  return n;
}

/**
 * Reads GS1's SimpleEventQuery parameters (EPCIS 2.0 §8.2.7.1, REST binding) from a request's query string
 * into what the store runs, refusing (400 QueryParameterException) any parameter it does not know and any
 * value of the wrong form: a query silently ignoring a condition would answer more than was asked.
 * Identifiers (EPC URNs or GS1 Digital Links) and locations are made canonical, as capture stores them;
 * CBV terms may be bare words or URIs.
 * @example parseEventQuery({ EQ_bizStep: "shipping", GE_eventTime: "2026-01-01T00:00:00Z" })
 */
export function parseEventQuery(query: Record<string, unknown>): ParsedEventQuery {
  const c: ParsedEventQuery["conditions"] = {};
  const sensor: SensorReportMatch = {};
  const values = new Map<string, { uom: string; ge?: number; lt?: number }>();
  const ranges = { eventTime: {} as TimeRange, recordTime: {} as TimeRange };
  const locations = {
    readPoint: { exact: [], within: [] } as LocationMatch,
    bizLocation: { exact: [], within: [] } as LocationMatch,
  };
  let perPage = DEFAULT_PER_PAGE;
  let nextPageToken: string | undefined;
  const keyParts: string[] = [];

  for (const [name, raw] of Object.entries(query)) {
    const valueParam = VALUE_PARAM.exec(name);
    if (!LIST_PARAMS.has(name) && !SINGLE_PARAMS.has(name) && !valueParam)
      throw queryParameterProblem(`unknown query parameter ${name.slice(0, 64)}`);
    if (name !== "perPage" && name !== "nextPageToken")
      keyParts.push(`${name}=${valuesOf(name, raw).join("|")}`);
    if (valueParam) {
      const uom = valueParam[2]!;
      const range = values.get(uom) ?? { uom };
      range[valueParam[1] === "GE" ? "ge" : "lt"] = number(name, raw);
      values.set(uom, range);
      continue;
    }
    const roles = MATCH_ROLES[name];
    if (roles) {
      c.epcs = [...(c.epcs ?? []), { roles, epcs: valuesOf(name, raw).map(canonical) }];
      continue;
    }
    switch (name) {
      case "eventType": {
        const types = valuesOf(name, raw);
        const unknown = types.find((t) => !(EPCIS_EVENT_TYPES as readonly string[]).includes(t));
        if (unknown !== undefined) throw queryParameterProblem(`unknown eventType ${unknown.slice(0, 64)}`);
        c.eventTypes = types;
        break;
      }
      case "GE_eventTime":
        ranges.eventTime.ge = time(name, raw);
        break;
      case "LT_eventTime":
        ranges.eventTime.lt = time(name, raw);
        break;
      case "GE_recordTime":
        ranges.recordTime.ge = time(name, raw);
        break;
      case "LT_recordTime":
        ranges.recordTime.lt = time(name, raw);
        break;
      case "EQ_action": {
        const actions = valuesOf(name, raw);
        if (actions.some((a) => a !== "ADD" && a !== "OBSERVE" && a !== "DELETE"))
          throw queryParameterProblem("EQ_action values are ADD, OBSERVE or DELETE");
        c.actions = actions;
        break;
      }
      case "EQ_bizStep":
        c.bizSteps = valuesOf(name, raw).map(cbvTerm);
        break;
      case "EQ_disposition":
        c.dispositions = valuesOf(name, raw).map(cbvTerm);
        break;
      case "EQ_readPoint":
      case "WD_readPoint":
      case "EQ_bizLocation":
      case "WD_bizLocation": {
        const target = locations[name.endsWith("readPoint") ? "readPoint" : "bizLocation"];
        target[name.startsWith("WD_") ? "within" : "exact"].push(...valuesOf(name, raw).map(canonical));
        break;
      }
      case "EQ_eventID":
        c.eventIds = valuesOf(name, raw);
        break;
      case "EQ_type":
        sensor.types = valuesOf(name, raw).map(sensorType);
        break;
      case "EQ_deviceID":
        sensor.deviceIds = valuesOf(name, raw).map(canonical);
        break;
      case "perPage": {
        const n = number(name, raw);
        if (!Number.isInteger(n) || n < 1) throw queryParameterProblem("perPage must be a positive integer");
        perPage = Math.min(n, MAX_PER_PAGE);
        break;
      }
      case "nextPageToken":
        nextPageToken = single(name, raw);
        break;
    }
  }
  if (ranges.eventTime.ge !== undefined || ranges.eventTime.lt !== undefined) c.eventTime = ranges.eventTime;
  if (ranges.recordTime.ge !== undefined || ranges.recordTime.lt !== undefined)
    c.recordTime = ranges.recordTime;
  for (const field of ["readPoint", "bizLocation"] as const) {
    const l = locations[field];
    if (l.exact.length + l.within.length > 0) c[field] = l;
  }
  if (values.size > 0) sensor.values = [...values.values()];
  if (Object.keys(sensor).length > 0) c.sensorReport = sensor;
  return { conditions: c, perPage, nextPageToken, key: keyParts.sort().join("&") };
}
