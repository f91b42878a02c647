import type { RequestHandler } from "express";
import { ApiError, ApiErrorCode } from "../errors.ts";
import { listReadingsPage } from "../services/listReadingsPage.ts";
import { nextPageLink } from "../services/nextPageLink.ts";
import type { ApiDeps } from "../types.ts";
import { parseAddressParam } from "../validation/parseAddressParam.ts";
import { parseReadingsQuery, type ReadingsParam } from "../validation/parseReadingsQuery.ts";

const PARAMS: readonly ReadingsParam[] = ["fromTs", "toTs", "limit", "cursor"];

/**
 * `GET /devices/:address/readings?fromTs=&toTs=&limit=&cursor=`: a device's readings by seq (device time
 * window in ms), a page at a time (at most 1,000, default 100) with the cursor of the next, each with its
 * id, so any of them can be fetched with its proof.
 * @example router.get("/devices/:address/readings", listDeviceReadings(deps))
 */
export function listDeviceReadings(deps: Pick<ApiDeps, "store" | "anchorTargets">): RequestHandler {
  return async (req, res) => {
    const address = parseAddressParam(req.params.address);
    if ((await deps.store.getDevice(address)) === undefined)
      throw new ApiError(404, ApiErrorCode.DeviceNotFound, `no device ${address}`);
    const query = parseReadingsQuery(req.query as Record<string, unknown>, PARAMS);
    const { readings, nextCursor } = await listReadingsPage(
      { store: deps.store, anchorTargets: deps.anchorTargets() },
      query,
      { device: address },
    );
    res.json({ device: address, readings, next: nextPageLink(req, res, nextCursor), nextCursor });
  };
}
