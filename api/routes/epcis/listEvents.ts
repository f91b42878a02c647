import type { RequestHandler } from "express";
import { runEventQuery } from "../../services/epcisQuery/index.ts";
import type { ApiDeps } from "../../types.ts";

/**
 * `GET /epcis/events`: GS1's SimpleEventQuery over the query string (EPCIS 2.0 REST binding), answered as an
 * EPCISQueryDocument of the events the caller may see, paged by `perPage` and `nextPageToken`.
 * @example epcis.get("/events", listEvents(deps))
 */
export function listEvents(
  deps: Pick<ApiDeps, "store" | "adminToken" | "gs1CompanyPrefixes">,
): RequestHandler {
  return async (req, res) => {
    await runEventQuery(req, res, deps, { scope: "events" });
  };
}
