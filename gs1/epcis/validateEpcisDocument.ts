import type { ErrorObject, ValidateFunction } from "ajv";
import AjvModule from "ajv";
import { checkEventRules, type EventRuleOptions } from "./checkEventRules.ts";
import { EPCIS_JSON_SCHEMA } from "./epcisJsonSchema.ts";
import { type EpcisProblem, EpcisProblemCode, epcisProblem, pointerTo } from "./epcisProblem.ts";

export type EpcisDocumentOptions = EventRuleOptions & {
  /** Most events in one document (the capture interface announces it). */
  maxEvents: number;
};

/** One event of a document, with what refuses it (empty: it may be captured). */
export type CheckedEvent = { index: number; event: Record<string, unknown>; problems: EpcisProblem[] };

/** A document checked: problems of the document itself (then no event is looked at), and each event's. */
export type CheckedEpcisDocument = { problems: EpcisProblem[]; events: CheckedEvent[] };

// ajv ships CommonJS; under ESM the class is on `default`.
type AjvClass = typeof AjvModule.default;
const Ajv: AjvClass =
  (AjvModule as unknown as { default?: AjvClass }).default ?? (AjvModule as unknown as AjvClass);

const SCHEMA_ID = EPCIS_JSON_SCHEMA.$id as string;
let validators: { document: ValidateFunction; event: ValidateFunction } | undefined;

function compiled() {
  if (!validators) {
    // GS1's schema is draft-07 and uses keywords ajv's strict mode refuses. Formats (uri, date-time) are
    // not validated by the schema here: checkEventRules checks the times with a stricter rule of its own.
    const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false });
    ajv.addSchema(EPCIS_JSON_SCHEMA);
    validators = {
      document: ajv.getSchema(SCHEMA_ID)!,
      event: ajv.compile({ $ref: `${SCHEMA_ID}#/definitions/EPCIS-Document-Event` }),
    };
  }
  return validators;
}

const EVENT_LIST = "/epcisBody/eventList";

/**
 * Checks an EPCISDocument (already parsed by {@link parseEpcisJson}) against GS1's EPCIS 2.0 JSON Schema
 * and the rules the schema cannot state ({@link checkEventRules}), event by event, so a capture job can
 * say which event is refused and why and, when asked to proceed, capture the others.
 * @example const { problems, events } = checkEpcisDocument(doc, { now: Date.now(), maxClockSkewMs: 300_000, maxEvents: 10_000 })
 */
export function checkEpcisDocument(document: unknown, options: EpcisDocumentOptions): CheckedEpcisDocument {
  const refuse = (problem: EpcisProblem): CheckedEpcisDocument => ({ problems: [problem], events: [] });
  if (document === null || typeof document !== "object" || Array.isArray(document)) {
    return refuse(epcisProblem(EpcisProblemCode.SchemaViolation, "", "an EPCISDocument is a JSON object"));
  }
  const doc = document as Record<string, unknown>;
  if (doc.type !== "EPCISDocument") {
    return refuse(
      epcisProblem(
        EpcisProblemCode.SchemaViolation,
        "/type",
        'the capture interface takes type "EPCISDocument"',
      ),
    );
  }
  const body = doc.epcisBody as { eventList?: unknown } | undefined;
  const eventList = body?.eventList;
  if (!Array.isArray(eventList)) {
    return refuse(
      epcisProblem(EpcisProblemCode.SchemaViolation, EVENT_LIST, "epcisBody.eventList must be an array"),
    );
  }
  if (eventList.length > options.maxEvents) {
    return refuse(
      epcisProblem(
        EpcisProblemCode.TooManyEvents,
        EVENT_LIST,
        `${eventList.length} events; this repository captures at most ${options.maxEvents} per document`,
      ),
    );
  }
  // The envelope alone first (the events are checked one by one below, to say which one fails).
  const { document: validateDocument, event: validateEvent } = compiled();
  const envelope = { ...doc, epcisBody: { ...(body as object), eventList: [] } };
  if (!validateDocument(envelope)) return refuse(schemaProblem("", validateDocument.errors));

  const events = eventList.map((event, index): CheckedEvent => {
    const pointer = pointerTo(EVENT_LIST, index);
    if (event === null || typeof event !== "object" || Array.isArray(event)) {
      return {
        index,
        event: {},
        problems: [epcisProblem(EpcisProblemCode.SchemaViolation, pointer, "an event is a JSON object")],
      };
    }
    const record = event as Record<string, unknown>;
    const rules = checkEventRules(record, pointer, options);
    if (rules.some((p) => p.code === EpcisProblemCode.UnknownEventType))
      return { index, event: record, problems: rules };
    const problems = validateEvent(record) ? rules : [schemaProblem(pointer, validateEvent.errors), ...rules];
    return { index, event: record, problems };
  });
  return { problems: [], events };
}

function schemaProblem(base: string, errors: ErrorObject[] | null | undefined): EpcisProblem {
  const first = errors?.[0];
  if (!first) return epcisProblem(EpcisProblemCode.SchemaViolation, base, "breaks the EPCIS 2.0 JSON Schema");
  const params = JSON.stringify(first.params);
  return epcisProblem(
    EpcisProblemCode.SchemaViolation,
    `${base}${first.instancePath}`,
    `EPCIS 2.0 JSON Schema: ${first.message ?? first.keyword} (${first.keyword} ${params})`,
  );
}
