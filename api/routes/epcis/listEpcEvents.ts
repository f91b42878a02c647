import type { RequestHandler } from "express";
import { canonicalIdentifier } from "#gs1";
import { runEventQuery } from "../../services/epcisQuery/index.ts";
import type { ApiDeps } from "../../types.ts";

/**
 * `GET /epcis/epcs/{epc}/events`: the events naming one identifier in any role (an object in any EPC list,
 * as parent or child, as input or output, or a class in a quantity list); the EPC URN or Digital Link
 * URL-encoded as one path segment. The other query parameters narrow it as on `/events`.
 * @example epcis.get("/epcs/:epc/events", listEpcEvents(deps))
 */
export function listEpcEvents(
  deps: Pick<ApiDeps, "store" | "adminToken" | "gs1CompanyPrefixes">,
): RequestHandler {
  return async (req, res) => {
    const epc = String(req.params.epc);
    const canonical = canonicalIdentifier(epc) ?? epc;
    await runEventQuery(req, res, deps, {
      scope: `epcs/${canonical}`,
      extra: { epcs: [{ roles: ["epc", "parent", "child", "input", "output", "class"], epcs: [canonical] }] },
    });
  };
}
