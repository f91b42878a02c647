import type { RequestHandler } from "express";
import { ApiError, ApiErrorCode } from "../../errors.ts";
import { buildProvenance } from "../../services/provenance/buildProvenance.ts";
import { callerAccess } from "../../services/provenance/callerAccess.ts";
import type { ApiDeps } from "../../types.ts";
import { parseItemParam } from "../../validation/parseItemParam.ts";

/** A sensor's readings further apart than this leave the time between unwatched, by default. */
export const DEFAULT_MAX_SILENCE_MS = 5 * 60_000;

/**
 * `GET /provenance?item=<Digital Link URI or path, or EPC URN>` and `GET /provenance/01/{gtin}/21/{serial}`:
 * the item's provenance document (buildProvenance). Open to anyone: without credentials only public events
 * are shown in full, private ones as their hash ID, message id and anchor state; an organisation's
 * credential also shows its own events and those about objects it captured events for (the EPCIS query's
 * rule); the admin token shows all.
 * 404 ITEM_NOT_FOUND when no event names the item.
 * @example router.get("/provenance", getProvenance(deps))
 */
export function getProvenance(
  deps: Pick<
    ApiDeps,
    "store" | "adminToken" | "anchorTargets" | "defaultTemperatureProfile" | "provenanceMaxSilenceMs"
  >,
): RequestHandler {
  return async (req, res) => {
    const { access, viewer } = await callerAccess(req, deps);
    const { gtin, serial } = req.params;
    // Express has decoded the path's serial: encoded again, it reads back as the same value.
    const raw =
      typeof gtin === "string" && typeof serial === "string"
        ? `/01/${gtin}/21/${encodeURIComponent(serial)}`
        : req.query.item;
    const item = parseItemParam(raw);
    const document = await buildProvenance(item, {
      store: deps.store,
      targets: deps.anchorTargets(),
      access,
      viewer,
      now: Date.now(),
      maxSilenceMs: deps.provenanceMaxSilenceMs ?? DEFAULT_MAX_SILENCE_MS,
      ...(deps.defaultTemperatureProfile ? { defaultProfile: deps.defaultTemperatureProfile } : {}),
    });
    if (document === null) {
      throw new ApiError(404, ApiErrorCode.ItemNotFound, `no event the caller may see names ${item.id}`);
    }
    res.json(document);
  };
}
