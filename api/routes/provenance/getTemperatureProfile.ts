import type { RequestHandler } from "express";
import { temperatureProfileOf } from "../../services/provenance/temperatureProfileOf.ts";
import type { ApiDeps } from "../../types.ts";
import { parseGtinParam } from "../../validation/parseGtinParam.ts";

/**
 * `GET /profiles/{gtin}`: the profile that applies to the GTIN and where it comes from (`gtin`: its own,
 * `default`: the stored default, `configured`: the server's). Never 404: every GTIN has a profile.
 * @example router.get("/profiles/:gtin", getTemperatureProfile(deps))
 */
export function getTemperatureProfile(
  deps: Pick<ApiDeps, "store" | "defaultTemperatureProfile">,
): RequestHandler {
  return async (req, res) => {
    const gtin = parseGtinParam(req.params.gtin);
    res.json(await temperatureProfileOf(deps.store, gtin, deps.defaultTemperatureProfile));
  };
}
