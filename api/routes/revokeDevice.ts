import type { RequestHandler } from "express";
import { ApiError, ApiErrorCode } from "../errors.ts";
import { deviceToJson } from "../services/deviceToJson.ts";
import type { ApiDeps, ApiLogger } from "../types.ts";
import { parseAddressParam } from "../validation/parseAddressParam.ts";

/**
 * `POST /devices/:address/revoke` (admin): revokes a device key. From the answer on, the gateway refuses the
 * device's CONNECTs and readings and closes its live session. 200 with the revoked record; 404
 * DEVICE_NOT_FOUND; 409 DEVICE_REVOKED when it already was (the record, unchanged, is not repeated: a
 * revocation time must never look newer than it is). Expects the admin token check to run before it.
 * @example router.post("/devices/:address/revoke", requireAdminToken(token), revokeDevice(deps, logger))
 */
export function revokeDevice(deps: Pick<ApiDeps, "registry">, logger: ApiLogger): RequestHandler {
  return async (req, res) => {
    const address = parseAddressParam(req.params.address);
    const outcome = await deps.registry.revoke(address);
    switch (outcome.status) {
      case "unknown":
        throw new ApiError(404, ApiErrorCode.DeviceNotFound, `no device ${address}`);
      case "already-revoked":
        throw new ApiError(
          409,
          ApiErrorCode.DeviceRevoked,
          `device ${address} was already revoked at ${outcome.device.revokedAt}`,
        );
      case "revoked":
        logger.info({ device: address }, "device revoked");
        res.json(deviceToJson(outcome.device));
    }
  };
}
