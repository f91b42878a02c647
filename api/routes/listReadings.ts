import type { RequestHandler } from "express";
import { listReadingsPage } from "../services/listReadingsPage.ts";
import { nextPageLink } from "../services/nextPageLink.ts";
import type { ApiDeps } from "../types.ts";
import { parseReadingsQuery, type ReadingsParam } from "../validation/parseReadingsQuery.ts";

const PARAMS: readonly ReadingsParam[] = [
  "device",
  "fromTs",
  "toTs",
  "receivedFrom",
  "receivedTo",
  "batchId",
  "status",
  "limit",
  "cursor",
];

/**
 * `GET /readings?device=&fromTs=&toTs=&receivedFrom=&receivedTo=&batchId=&status=&limit=&cursor=`: stored
 * readings across devices, a page at a time (see docs/api.md for the order each filter gives); 400
 * INVALID_QUERY or INVALID_CURSOR. An unknown device or batch is an empty page, not a 404: it is a filter.
 * @example router.get("/readings", listReadings(deps))
 */
export function listReadings(deps: Pick<ApiDeps, "store" | "anchorTargets">): RequestHandler {
  return async (req, res) => {
    const query = parseReadingsQuery(req.query as Record<string, unknown>, PARAMS);
    const { readings, nextCursor } = await listReadingsPage(
      { store: deps.store, anchorTargets: deps.anchorTargets() },
      query,
    );
    res.json({ readings, next: nextPageLink(req, res, nextCursor), nextCursor });
  };
}
