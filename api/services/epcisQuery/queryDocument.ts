/** The JSON-LD context of EPCIS 2.0 documents. */
export const EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

/**
 * An EPCISQueryDocument (EPCIS 2.0 JSON-LD binding) holding the events of one page of a SimpleEventQuery.
 * @example queryDocument(events, new Date())
 */
export function queryDocument(eventList: Record<string, unknown>[], now: Date): Record<string, unknown> {
  return {
    "@context": [EPCIS_CONTEXT],
    type: "EPCISQueryDocument",
    schemaVersion: "2.0",
    creationDate: now.toISOString(),
    epcisBody: {
      queryResults: {
        queryName: "SimpleEventQuery",
        resultsBody: { eventList },
      },
    },
  };
}
