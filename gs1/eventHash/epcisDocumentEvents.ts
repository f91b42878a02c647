import { Gs1ErrorCode, refuse } from "../errors.ts";
import { contextPrefixes, type EventHashOptions } from "./eventPrehash.ts";

/** The events of an EPCIS document and what hashing them needs from the document around them. */
export type EpcisDocumentEvents = {
  readonly events: readonly Record<string, unknown>[];
  readonly options: EventHashOptions;
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A repository's list of fields to leave out of the hash (`"<prefix>:ignoreFields": [...]`), an extension
 * of the reference implementation, not of CBV 2.0: fields a repository adds to events it stores.
 */
function ignoreFieldsOf(holder: Record<string, unknown>, namespaces: Record<string, string>): string[] {
  for (const [key, value] of Object.entries(holder)) {
    const colon = key.indexOf(":");
    if (
      colon > 0 &&
      key.slice(colon + 1) === "ignoreFields" &&
      Object.hasOwn(namespaces, key.slice(0, colon))
    ) {
      if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value as string[];
    }
  }
  return [];
}

/**
 * The events of an EPCIS 2.0 JSON-LD document (EPCISDocument: `epcisBody.eventList` or a single
 * `epcisBody.event`; EPCISQueryDocument: `epcisBody.queryResults.resultsBody.eventList`), with the
 * namespaces its `@context` declares.
 * @example eventsOfEpcisDocument(doc).events.map((e) => eventHashId(e, eventsOfEpcisDocument(doc).options))
 */
export function eventsOfEpcisDocument(document: unknown): EpcisDocumentEvents {
  const bad = (message: string): never =>
    refuse(Gs1ErrorCode.InvalidEpcisEvent, message, "EPCIS 2.0 JSON: EPCISDocument / EPCISQueryDocument", "");
  if (!isObject(document)) return bad("an EPCIS document is a JSON object");
  const body = document.epcisBody;
  if (!isObject(body)) return bad("an EPCIS document has an epcisBody object");
  const namespaces = contextPrefixes(document["@context"]);
  let events: unknown;
  let ignoreFields = ignoreFieldsOf(document, namespaces);
  if (body.eventList !== undefined) {
    events = body.eventList;
  } else if (isObject(body.queryResults)) {
    const results = body.queryResults;
    events = isObject(results.resultsBody) ? results.resultsBody.eventList : undefined;
    ignoreFields = ignoreFieldsOf(results, namespaces);
  } else if (body.event !== undefined) {
    events = [body.event];
  }
  if (!Array.isArray(events) || !events.every(isObject))
    return bad("the document's event list is a list of objects");
  return { events, options: { namespaces, ignoreFields } };
}
