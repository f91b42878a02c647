import type { RequestHandler } from "express";
import { EPCIS_EVENT_TYPES, EPCIS_VERSION_HEADERS } from "../../services/epcisQuery/index.ts";

/**
 * `GET /epcis/eventTypes`: the event types this repository captures and queries (EPCIS 2.0 REST binding's
 * top-level resource; the same for every caller, so it reveals nothing about stored events).
 * @example epcis.get("/eventTypes", listEventTypes())
 */
export function listEventTypes(): RequestHandler {
  return (_req, res) => {
    res
      .set(EPCIS_VERSION_HEADERS)
      .type("application/ld+json")
      .send(
        JSON.stringify({
          "@context": "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
          type: "Collection",
          member: [...EPCIS_EVENT_TYPES],
        }),
      );
  };
}
