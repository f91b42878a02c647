import type { RequestHandler } from "express";
import { temperatureProfileOf } from "../../services/provenance/temperatureProfileOf.ts";
import type { ApiDeps, ApiLogger } from "../../types.ts";
import { parseGtinParam } from "../../validation/parseGtinParam.ts";
import { parseTemperatureProfile } from "../../validation/parseTemperatureProfile.ts";

/**
 * `PUT /profiles/{gtin}` (admin): sets the cold-chain profile of a GTIN, or with `default` the profile of
 * every GTIN without its own. 201 when new, 200 when replaced; the answer is the profile as it now applies.
 * A changed profile changes later verdicts, never the readings: a verdict is recomputed on every request.
 * @example router.put("/profiles/:gtin", admin, ...json, putTemperatureProfile(deps, logger))
 */
export function putTemperatureProfile(
  deps: Pick<ApiDeps, "store" | "defaultTemperatureProfile">,
  logger: ApiLogger,
): RequestHandler {
  return async (req, res) => {
    const gtin = parseGtinParam(req.params.gtin);
    const profile = parseTemperatureProfile(req.body);
    const { created } = await deps.store.putTemperatureProfile({ gtin, ...profile, updatedAt: Date.now() });
    logger.info({ gtin, profile }, created ? "temperature profile created" : "temperature profile replaced");
    const effective = await temperatureProfileOf(deps.store, gtin, deps.defaultTemperatureProfile);
    res.status(created ? 201 : 200).json(effective);
  };
}
