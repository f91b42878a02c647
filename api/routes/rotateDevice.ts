import type { RequestHandler } from "express";
import { ApiError, ApiErrorCode } from "../errors.ts";
import { deviceToJson } from "../services/deviceToJson.ts";
import type { ApiDeps, ApiLogger } from "../types.ts";
import { parseAddressParam } from "../validation/parseAddressParam.ts";
import { parseKeyRotation } from "../validation/parseKeyRotation.ts";

/**
 * `POST /devices/:address/rotate` (admin): replaces the device's key by `publicKey`, as
 * SealtrailDeviceRegistry.rotate does on chain: the new key is registered naming the old one
 * (`rotatedFrom`), the old one is revoked at the same instant naming the new one (`rotatedTo`). 201 with
 * both records and `Location` of the new one; 404 DEVICE_NOT_FOUND; 409 DEVICE_ALREADY_REGISTERED when the
 * new key is registered (itself included), DEVICE_REVOKED when the old one is revoked.
 * Expects the admin token and JSON body checks to run before it.
 * @example router.post("/devices/:address/rotate", requireAdminToken(t), requireJsonBody, express.json(), rotateDevice(deps, logger))
 */
export function rotateDevice(deps: Pick<ApiDeps, "registry">, logger: ApiLogger): RequestHandler {
  return async (req, res) => {
    const address = parseAddressParam(req.params.address);
    const { publicKey, label } = parseKeyRotation(req.body);
    const outcome = await deps.registry.rotate(address, publicKey, label);
    switch (outcome.status) {
      case "unknown":
        throw new ApiError(404, ApiErrorCode.DeviceNotFound, `no device ${address}`);
      case "already-registered":
        throw new ApiError(
          409,
          ApiErrorCode.DeviceAlreadyRegistered,
          `the new key is already registered as device ${outcome.device.address}`,
        );
      case "revoked":
        throw new ApiError(
          409,
          ApiErrorCode.DeviceRevoked,
          `device ${address} is revoked: it cannot be rotated`,
        );
      case "rotated":
        logger.info({ device: address, rotatedTo: outcome.to.address }, "device key rotated");
        res
          .status(201)
          .location(`${req.baseUrl}/devices/${outcome.to.address}`)
          .json({ revoked: deviceToJson(outcome.from), registered: deviceToJson(outcome.to) });
    }
  };
}
