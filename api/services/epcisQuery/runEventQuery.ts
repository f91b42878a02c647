import type { Request, Response } from "express";
import type { EventQuery } from "#gateway";
import type { ApiDeps } from "../../types.ts";
import { requestedEpcFormat } from "./epcFormat.ts";
import { eventToEpcisJson } from "./eventToEpcisJson.ts";
import { decodePageToken, encodePageToken } from "./pageToken.ts";
import { parseEventQuery } from "./parseEventQuery.ts";
import { queryDocument } from "./queryDocument.ts";
import { queryViewer } from "./queryViewer.ts";

/** The version headers of GS1's REST binding, on every answer of the query interface. */
export const EPCIS_VERSION_HEADERS = { "GS1-EPCIS-Version": "2.0.0", "GS1-CBV-Version": "2.0.0" } as const;

/**
 * Answers one page of a SimpleEventQuery: the request's parameters (plus `extra` conditions a route adds,
 * such as the EPC of `/epcs/{epc}/events`), run for the caller's visibility, as an EPCISQueryDocument, with
 * `Link: <…nextPageToken=…>; rel="next"` when more follow. The token is tied to the query's parameters and
 * to `scope` (the route and its path parameters).
 * @example await runEventQuery(req, res, deps, { scope: "events" })
 */
export async function runEventQuery(
  req: Request,
  res: Response,
  deps: Pick<ApiDeps, "store" | "adminToken" | "gs1CompanyPrefixes">,
  options: { scope: string; extra?: Pick<EventQuery, "epcs"> },
): Promise<void> {
  res.set(EPCIS_VERSION_HEADERS);
  const parsed = parseEventQuery(req.query as Record<string, unknown>);
  const format = requestedEpcFormat(req);
  const viewer = await queryViewer(req, deps);
  const key = `${options.scope}?${parsed.key}`;
  const after = parsed.nextPageToken === undefined ? undefined : decodePageToken(key, parsed.nextPageToken);
  const conditions = { ...parsed.conditions };
  if (options.extra?.epcs) conditions.epcs = [...(conditions.epcs ?? []), ...options.extra.epcs];
  const { events, more } = await deps.store.queryEvents({
    ...conditions,
    viewer,
    limit: parsed.perPage,
    ...(after ? { after } : {}),
  });
  // Formatted before any header of the answer is set: a 406 must not carry a Link to a next page.
  const eventList = events.map((e) => eventToEpcisJson(e, format, deps.gs1CompanyPrefixes));
  const last = events.at(-1);
  if (more && last) {
    const url = new URL(req.originalUrl, "http://localhost");
    url.searchParams.set(
      "nextPageToken",
      encodePageToken(key, { eventTime: last.eventTime, arrival: last.arrival }),
    );
    res.append("Link", `<${url.pathname}${url.search}>; rel="next"`);
  }
  res
    .status(200)
    .type("application/ld+json")
    .send(JSON.stringify(queryDocument(eventList, new Date())));
}
