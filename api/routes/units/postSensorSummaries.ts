import type { RequestHandler } from "express";
import { ApiError, ApiErrorCode } from "../../errors.ts";
import { publicBaseOf } from "../../services/resolver/publicBaseOf.ts";
import { summariseUnitSensors } from "../../services/summaries/summariseUnitSensors.ts";
import type { ApiDeps, ApiLogger } from "../../types.ts";
import { parseItemParam } from "../../validation/parseItemParam.ts";
import { DEFAULT_MAX_SILENCE_MS } from "../provenance/getProvenance.ts";

const invalid = (message: string) => new ApiError(400, ApiErrorCode.InvalidQuery, message);

function parseOptions(query: Record<string, unknown>) {
  for (const name of Object.keys(query))
    if (name !== "visibility" && name !== "allowIncomplete") throw invalid(`unknown parameter ${name}`);
  const { visibility, allowIncomplete } = query;
  if (visibility !== undefined && visibility !== "public" && visibility !== "private")
    throw invalid("visibility must be public or private");
  if (allowIncomplete !== undefined && allowIncomplete !== "true" && allowIncomplete !== "false")
    throw invalid("allowIncomplete must be true or false");
  return {
    ...(visibility === undefined ? {} : { visibility: visibility as "public" | "private" }),
    allowIncomplete: allowIncomplete === "true",
  };
}

/**
 * `POST /units/{unit}/sensor-summaries?visibility=&allowIncomplete=` (admin): captures a sensor summary
 * (EPCIS `sensor_reporting` ObjectEvent) for every closed association interval of a logistic unit — an
 * SSCC or GRAI as EPC URN or Digital Link, URL-encoded — and says per interval what became of it. 201 when
 * at least one summary was captured, 200 when none was (all stored already, open, or not summarisable);
 * calling it again never stores a summary twice. 400 INVALID_ITEM / INVALID_QUERY, 404 UNIT_NOT_FOUND,
 * 501 NO_ATTESTER; 400 BAD_REQUEST for a Host header that is no host (it would end up in rawData).
 * @example router.post("/units/:unit/sensor-summaries", admin, postSensorSummaries(deps, logger))
 */
export function postSensorSummaries(
  deps: Pick<
    ApiDeps,
    "store" | "attester" | "defaultTemperatureProfile" | "provenanceMaxSilenceMs" | "resolver"
  >,
  logger: ApiLogger,
): RequestHandler {
  return async (req, res) => {
    const unit = parseItemParam(req.params.unit);
    const options = parseOptions(req.query as Record<string, unknown>);
    if (deps.attester === undefined)
      throw new ApiError(
        501,
        ApiErrorCode.NoAttester,
        "this server has no attester key to sign the summaries with",
      );
    const summaries = await summariseUnitSensors(unit.id, {
      store: deps.store,
      attester: deps.attester,
      // Where the summaries' rawData points: this API as people reach it from outside (api.publicBaseUrl),
      // else as this request reached it.
      apiBaseUrl: `${publicBaseOf(req, deps.resolver?.publicBaseUrl)}${req.baseUrl}`,
      now: Date.now(),
      maxSilenceMs: deps.provenanceMaxSilenceMs ?? DEFAULT_MAX_SILENCE_MS,
      ...options,
      ...(deps.defaultTemperatureProfile ? { defaultProfile: deps.defaultTemperatureProfile } : {}),
    });
    if (summaries === null) throw new ApiError(404, ApiErrorCode.UnitNotFound, `no event names ${unit.id}`);
    const captured = summaries.filter((s) => s.status === "captured").length;
    if (captured > 0) logger.info({ unit: unit.id, captured }, "sensor summaries captured");
    res.status(captured > 0 ? 201 : 200).json({ unit: unit.id, captured, summaries });
  };
}
