import type { RequestHandler } from "express";
import { ApiError, ApiErrorCode } from "../errors.ts";
import { deviceToJson } from "../services/deviceToJson.ts";
import { keyOnChain } from "../services/keyOnChain.ts";
import type { ApiDeps } from "../types.ts";
import { parseAddressParam } from "../validation/parseAddressParam.ts";

/**
 * `GET /devices/:address`: the device's key, label and lifecycle times, and its key's state in the registry
 * contract (`onChain`: pending, registered at block …, revoked at …); 404 DEVICE_NOT_FOUND.
 * Reads the store, not the registry's cache, so devices registered by another process are seen too.
 * @example router.get("/devices/:address", getDevice(deps))
 */
export function getDevice(deps: Pick<ApiDeps, "store">): RequestHandler {
  return async (req, res) => {
    const address = parseAddressParam(req.params.address);
    const device = await deps.store.getDevice(address);
    if (device === undefined) throw new ApiError(404, ApiErrorCode.DeviceNotFound, `no device ${address}`);
    res.json(deviceToJson(device, await keyOnChain(deps.store, address)));
  };
}
