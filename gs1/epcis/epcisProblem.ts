/**
 * Why an EPCIS document or event is refused. Stable codes: the capture interface answers with them, in a
 * capture job's errors and in RFC 7807 problem documents, beside the EPCIS exception type of GS1's REST
 * binding that each one maps to.
 */
export const EpcisProblemCode = {
  /** The body is not JSON. */
  NotJson: "EPCIS_NOT_JSON",
  /** The body is larger than the capture limit (bytes). */
  TooLarge: "EPCIS_TOO_LARGE",
  /** JSON nested deeper than any EPCIS document needs. */
  TooDeep: "EPCIS_TOO_DEEP",
  /** More events in one document than the capture limit. */
  TooManyEvents: "EPCIS_TOO_MANY_EVENTS",
  /** A `__proto__`, `constructor` or `prototype` key: never part of EPCIS, a classic prototype-pollution vector. */
  ForbiddenKey: "EPCIS_FORBIDDEN_KEY",
  /** A key twice in one JSON object: JSON.parse would keep the last silently, another reader the first. */
  DuplicateKey: "EPCIS_DUPLICATE_KEY",
  /** Breaks GS1's EPCIS 2.0 JSON Schema (the detail names the keyword and the path). */
  SchemaViolation: "EPCIS_SCHEMA_VIOLATION",
  /** An event `type` that is none of the five EPCIS 2.0 event types. */
  UnknownEventType: "EPCIS_UNKNOWN_EVENT_TYPE",
  /** eventTime without an explicit offset, or an eventTimeZoneOffset outside -14:00..+14:00. */
  InvalidTimeZone: "EPCIS_INVALID_TIME_ZONE",
  /** eventTime later than the capture time plus the allowed clock skew. */
  EventTimeInFuture: "EPCIS_EVENT_TIME_IN_FUTURE",
  /** A field that the event's action does not allow, or a field the action requires that is missing. */
  ActionRule: "EPCIS_ACTION_RULE",
  /** A sensorElement that breaks a rule of EPCIS 2.0 §7.3.8 (an attribute in both metadata and report, …). */
  SensorRule: "EPCIS_SENSOR_RULE",
  /** An identifier (EPC URN or GS1 Digital Link) that is malformed or has a wrong check digit. */
  InvalidIdentifier: "EPCIS_INVALID_IDENTIFIER",
} as const;
export type EpcisProblemCode = (typeof EpcisProblemCode)[keyof typeof EpcisProblemCode];

/** EPCIS exception types of GS1's REST binding (`epcisException:…`). */
export type EpcisExceptionType =
  | "ValidationException"
  | "CaptureLimitExceededException"
  | "QueryParameterException"
  | "NoSuchResourceException"
  | "SecurityException"
  | "ImplementationException";

/** One refusal, located by a JSON Pointer into the document (RFC 6901). */
export type EpcisProblem = {
  code: EpcisProblemCode;
  exception: EpcisExceptionType;
  /** JSON Pointer of the offending value, e.g. `/epcisBody/eventList/3/eventTime`. */
  pointer: string;
  detail: string;
};

const LIMIT_CODES: ReadonlySet<EpcisProblemCode> = new Set([
  EpcisProblemCode.TooLarge,
  EpcisProblemCode.TooManyEvents,
]);

/** Builds a problem, with the EPCIS exception type its code maps to. */
export function epcisProblem(code: EpcisProblemCode, pointer: string, detail: string): EpcisProblem {
  const exception: EpcisExceptionType = LIMIT_CODES.has(code)
    ? "CaptureLimitExceededException"
    : "ValidationException";
  return { code, exception, pointer, detail: detail.length > 300 ? `${detail.slice(0, 297)}…` : detail };
}

/** Appends a JSON Pointer token, escaped as RFC 6901 says (`~` → `~0`, `/` → `~1`). */
export function pointerTo(base: string, token: string | number): string {
  return `${base}/${String(token).replaceAll("~", "~0").replaceAll("/", "~1")}`;
}
