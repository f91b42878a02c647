import type { RequestHandler } from "express";
import { ApiError, ApiErrorCode } from "../../errors.ts";
import { buildProvenance } from "../../services/provenance/buildProvenance.ts";
import { callerAccess } from "../../services/provenance/callerAccess.ts";
import type { ApiDeps } from "../../types.ts";
import { parseItemParam } from "../../validation/parseItemParam.ts";
import { sendLargeJson } from "./sendLargeJson.ts";

/** A sensor's readings further apart than this leave the time between unwatched, by default. */
export const DEFAULT_MAX_SILENCE_MS = 5 * 60_000;

/**
 * `GET /provenance?item=<Digital Link URI or path, or EPC URN>` and `GET /provenance/01/{gtin}/21/{serial}`:
 * the item's provenance document (buildProvenance). Open to anyone: without credentials only public events
 * are shown in full, private ones as their hash ID, message id and anchor state; an organisation's
 * credential also shows its own events and those about objects it captured events for (the EPCIS query's
 * rule); the admin token shows all.
 * `?readingIds=1` gives each reading row its message id (off by default: three quarters of a 30-day answer).
 * Sent by sendLargeJson: no ETag, gzip when accepted.
 * 404 ITEM_NOT_FOUND when no event names the item; 400 INVALID_QUERY for a `readingIds` other than 0 or 1.
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
    const readingIds = parseReadingIdsParam(req.query.readingIds);
    const document = await buildProvenance(item, {
      store: deps.store,
      targets: deps.anchorTargets(),
      access,
      viewer,
      now: Date.now(),
      maxSilenceMs: deps.provenanceMaxSilenceMs ?? DEFAULT_MAX_SILENCE_MS,
      readingIds,
      ...(deps.defaultTemperatureProfile ? { defaultProfile: deps.defaultTemperatureProfile } : {}),
    });
    if (document === null) {
      throw new ApiError(404, ApiErrorCode.ItemNotFound, `no event the caller may see names ${item.id}`);
    }
    await sendLargeJson(req, res, document);
  };
}

/** `readingIds`: absent or 0 (no ids), 1 (ids); anything else is refused rather than guessed at. */
function parseReadingIdsParam(value: unknown): boolean {
  if (value === undefined || value === "0") return false;
  if (value === "1") return true;
  throw new ApiError(400, ApiErrorCode.InvalidQuery, "readingIds must be 0 or 1");
}
