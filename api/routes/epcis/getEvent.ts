import type { RequestHandler } from "express";
import type { StoredEvent } from "#gateway";
import { EpcisHttpProblem } from "../../services/capture/epcisHttpProblem.ts";
import {
  EPCIS_CONTEXT,
  EPCIS_VERSION_HEADERS,
  EpcisQueryCode,
  eventToEpcisJson,
  queryViewer,
  requestedEpcFormat,
} from "../../services/epcisQuery/index.ts";
import type { ApiDeps } from "../../types.ts";

/** Events sharing one eventID looked at; beyond it the first captured may be missed (never seen in practice). */
const MAX_SAME_ID = 100;

/**
 * `GET /epcis/events/{eventID}`: one event by its eventID or its CBV event hash ID (URL-encoded), where a
 * capture's `Location` points. An event the caller may not see answers 404 like a missing one, so its
 * existence is not revealed (its anchored hash is public through the product page, never its content).
 * @example epcis.get("/events/:eventID", getEvent(deps))
 */
export function getEvent(deps: Pick<ApiDeps, "store" | "adminToken" | "gs1CompanyPrefixes">): RequestHandler {
  return async (req, res) => {
    res.set(EPCIS_VERSION_HEADERS);
    const format = requestedEpcFormat(req);
    const viewer = await queryViewer(req, deps);
    const id = String(req.params.eventID);
    // The same query as `?EQ_eventID=`, so visibility is decided in one place. An eventID is the capturer's
    // and need not be unique (GS1's own examples reuse one): the hash ID wins, else the first captured.
    const { events } = await deps.store.queryEvents({ viewer, eventIds: [id], limit: MAX_SAME_ID });
    const event =
      events.find((e) => e.eventHash === id) ??
      events.reduce<StoredEvent | undefined>(
        (first, e) => (first && first.arrival < e.arrival ? first : e),
        undefined,
      );
    if (!event)
      throw new EpcisHttpProblem(
        404,
        "NoSuchResourceException",
        EpcisQueryCode.EventNotFound,
        "no such event, or not one this caller may see",
      );
    res
      .status(200)
      .type("application/ld+json")
      .send(
        JSON.stringify({
          "@context": [EPCIS_CONTEXT],
          ...eventToEpcisJson(event, format, deps.gs1CompanyPrefixes),
        }),
      );
  };
}
