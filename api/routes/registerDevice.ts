import type { RequestHandler } from "express";
import { deviceToJson } from "../services/deviceToJson.ts";
import type { ApiDeps, ApiLogger } from "../types.ts";
import { parseDeviceRegistration } from "../validation/parseDeviceRegistration.ts";

/**
 * `POST /devices` (admin): registers a device key. 201 for a new device, 200 with the existing record when
 * the key is already registered (idempotent: a provisioning script can safely retry).
 * Expects the admin token and JSON body checks to run before it.
 * @example router.post("/devices", requireAdminToken(token), requireJsonBody, express.json(), registerDevice(deps, logger))
 */
export function registerDevice(deps: Pick<ApiDeps, "registry">, logger: ApiLogger): RequestHandler {
  return async (req, res) => {
    const { publicKey, label } = parseDeviceRegistration(req.body);
    const { device, created } = await deps.registry.register(publicKey, label);
    if (created) logger.info({ device: device.address }, "device registered");
    res
      .status(created ? 201 : 200)
      .location(`${req.baseUrl}/devices/${device.address}`)
      .json(deviceToJson(device));
  };
}
