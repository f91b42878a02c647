import type Database from "better-sqlite3";
import { canonicalIdentifier } from "#gs1";
import type {
  EpcRole,
  EventQuery,
  EventViewer,
  LocationMatch,
  SensorReportMatch,
  StoredEvent,
  TimeRange,
} from "../../eventTypes.ts";
import { type EventRow, storedEvent } from "./findEvent.ts";

/** Roles that name one object: a product class (`class`) is shared by everyone's products, so it grants nothing. */
const INSTANCE_ROLES = "('epc', 'parent', 'child', 'input', 'output')";

/*
 * Temperatures compare in kelvin whatever unit each side uses (UN/CEFACT Rec 20 codes). Other units compare
 * only with the same unit: converting them needs a table this repository does not carry yet.
 */
const KELVIN_OF: Readonly<Record<string, (v: number) => number>> = {
  KEL: (v) => v,
  CEL: (v) => v + 273.15,
  FAH: (v) => ((v - 32) * 5) / 9 + 273.15,
};
const KELVIN_SQL = (value: string, uom: string) =>
  `(CASE ${uom} WHEN 'KEL' THEN ${value} WHEN 'CEL' THEN ${value} + 273.15 WHEN 'FAH' THEN (${value} - 32) * 5.0 / 9 + 273.15 END)`;
/** Float noise of the conversions (0 °C written as 273.15 K must match both ways). */
const EPSILON = 1e-9;

// canonical_id() lets SQL compare an identifier in the stored JSON (as captured: URN or Digital Link) with a
// canonical one. Registered once per connection.
const withCanonical = new WeakSet<Database.Database>();
function registerCanonical(db: Database.Database): void {
  if (withCanonical.has(db)) return;
  db.function("canonical_id", { deterministic: true }, (id: unknown) =>
    typeof id === "string" ? (canonicalIdentifier(id) ?? id) : null,
  );
  withCanonical.add(db);
}

class Where {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];
  add(clause: string, ...params: unknown[]): void {
    this.clauses.push(clause);
    this.params.push(...params);
  }
}

const marks = (values: readonly unknown[]) => values.map(() => "?").join(", ");

function timeRange(w: Where, column: string, range: TimeRange | undefined): void {
  if (range?.ge !== undefined) w.add(`${column} >= ?`, range.ge);
  if (range?.lt !== undefined) w.add(`${column} < ?`, range.lt);
}

function oneOf(w: Where, column: string, values: readonly string[] | undefined): void {
  if (values !== undefined) w.add(`${column} IN (${marks(values)})`, ...values);
}

/**
 * A location or, `within`, a GLN and any of its extensions: `…/414/{gln}` and `…/414/{gln}/254/{ext}` (a
 * range of the column, so its index serves it).
 */
function location(w: Where, column: string, match: LocationMatch | undefined): void {
  if (match === undefined) return;
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const id of match.exact) {
    parts.push(`${column} = ?`);
    params.push(id);
  }
  for (const id of match.within) {
    parts.push(`${column} = ? OR (${column} > ? AND ${column} < ?)`);
    params.push(id, `${id}/254/`, `${id}/2540`);
  }
  w.add(parts.length === 0 ? "0" : `(${parts.join(" OR ")})`, ...params);
}

function visibility(w: Where, viewer: EventViewer): void {
  if (viewer.kind === "admin") return;
  if (viewer.kind === "anonymous") {
    w.add("e.visibility = 'public'");
    return;
  }
  // An object the viewer captured an event about: any other event naming it (in any instance role) is part
  // of that object's history, which the viewer already holds a piece of.
  w.add(
    `(e.visibility = 'public' OR e.organisation = ? OR EXISTS (
       SELECT 1 FROM event_epcs v
       JOIN event_epcs mine ON mine.epc = v.epc AND mine.role IN ${INSTANCE_ROLES}
       JOIN events o ON o.n = mine.n
       WHERE v.n = e.n AND v.role IN ${INSTANCE_ROLES} AND o.organisation = ?))`,
    viewer.id,
    viewer.id,
  );
}

function sensorReport(w: Where, match: SensorReportMatch | undefined): void {
  if (match === undefined) return;
  const parts: string[] = [];
  const params: unknown[] = [];
  if (match.types !== undefined) {
    // The JSON-LD forms of one vocabulary term: bare, compact (gs1:) and full IRI.
    const forms = match.types.flatMap((t) => [t, `gs1:${t}`, `https://gs1.org/voc/${t}`]);
    parts.push(`json_extract(r.value, '$.type') IN (${marks(forms)})`);
    params.push(...forms);
  }
  if (match.deviceIds !== undefined) {
    parts.push(
      `canonical_id(coalesce(json_extract(r.value, '$.deviceID'), json_extract(s.value, '$.sensorMetadata.deviceID'))) IN (${marks(match.deviceIds)})`,
    );
    params.push(...match.deviceIds);
  }
  for (const v of match.values ?? []) {
    const toKelvin = KELVIN_OF[v.uom];
    if (toKelvin) {
      const value = KELVIN_SQL("json_extract(r.value, '$.value')", "json_extract(r.value, '$.uom')");
      parts.push("json_extract(r.value, '$.uom') IN ('KEL', 'CEL', 'FAH')");
      if (v.ge !== undefined) {
        parts.push(`${value} >= ?`);
        params.push(toKelvin(v.ge) - EPSILON);
      }
      if (v.lt !== undefined) {
        parts.push(`${value} < ?`);
        params.push(toKelvin(v.lt) - EPSILON);
      }
    } else {
      parts.push("json_extract(r.value, '$.uom') = ?");
      params.push(v.uom);
      if (v.ge !== undefined) {
        parts.push("json_extract(r.value, '$.value') >= ?");
        params.push(v.ge);
      }
      if (v.lt !== undefined) {
        parts.push("json_extract(r.value, '$.value') < ?");
        params.push(v.lt);
      }
    }
  }
  w.add(
    `EXISTS (SELECT 1 FROM json_each(e.event_json, '$.sensorElementList') s,
       json_each(s.value, '$.sensorReport') r
       WHERE ${parts.length === 0 ? "1" : parts.join(" AND ")})`,
    ...params,
  );
}

/** The WHERE clause of a query (without its cursor), and its parameters. */
export function eventQueryWhere(query: Omit<EventQuery, "limit" | "after">): Where {
  const w = new Where();
  oneOf(w, "e.type", query.eventTypes);
  timeRange(w, "e.event_time", query.eventTime);
  timeRange(w, "e.record_time", query.recordTime);
  oneOf(w, "e.action", query.actions);
  oneOf(w, "e.biz_step", query.bizSteps);
  oneOf(w, "e.disposition", query.dispositions);
  location(w, "e.read_point", query.readPoint);
  location(w, "e.biz_location", query.bizLocation);
  for (const m of query.epcs ?? [])
    w.add(
      `e.n IN (SELECT x.n FROM event_epcs x WHERE x.epc IN (${marks(m.epcs)}) AND x.role IN (${marks(m.roles)}))`,
      ...m.epcs,
      ...m.roles,
    );
  if (query.eventIds !== undefined)
    w.add(
      `(e.event_id IN (${marks(query.eventIds)}) OR e.event_hash IN (${marks(query.eventIds)}))`,
      ...query.eventIds,
      ...query.eventIds,
    );
  sensorReport(w, query.sensorReport);
  visibility(w, query.viewer);
  return w;
}

const SELECT = `SELECT e.*, m.id, m.raw, s.address AS device,
  (SELECT b.id FROM batches b WHERE b.last_n >= m.n AND b.first_n <= m.n ORDER BY b.last_n LIMIT 1) AS batch_id
  FROM events e JOIN messages m ON m.n = e.n JOIN signers s ON s.k = m.signer`;

/** The SQL and parameters of a query, for `queryEvents` and for EXPLAIN QUERY PLAN in tests. */
export function eventQuerySql(query: EventQuery): { sql: string; params: unknown[] } {
  const w = eventQueryWhere(query);
  if (query.after) w.add("(e.event_time, e.n) > (?, ?)", query.after.eventTime, query.after.arrival);
  const where = w.clauses.length === 0 ? "" : `WHERE ${w.clauses.join(" AND ")}`;
  return {
    sql: `${SELECT} ${where} ORDER BY e.event_time, e.n LIMIT ?`,
    params: [...w.params, query.limit + 1],
  };
}

/**
 * Runs an EPCIS query: the events matching every condition that the viewer may see, in event-time order,
 * `limit` of them and whether more follow (one more row is read to tell).
 */
export function queryEvents(
  db: Database.Database,
  query: EventQuery,
): { events: StoredEvent[]; more: boolean } {
  registerCanonical(db);
  const { sql, params } = eventQuerySql(query);
  const rows = db.prepare(sql).all(...params) as EventRow[];
  const more = rows.length > query.limit;
  const epcsOf = db.prepare("SELECT epc, role FROM event_epcs WHERE n = ? ORDER BY role, epc");
  const events = rows
    .slice(0, query.limit)
    .map((row) => storedEvent(row, epcsOf.all(row.n) as { epc: string; role: EpcRole }[]));
  return { events, more };
}
