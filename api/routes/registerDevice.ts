import type { RequestHandler } from "express";
import { addressFromPublicKey } from "#protocol";
import { ApiError, ApiErrorCode } from "../errors.ts";
import { deviceToJson } from "../services/deviceToJson.ts";
import type { ApiDeps, ApiLogger } from "../types.ts";
import { parseDeviceRegistration } from "../validation/parseDeviceRegistration.ts";

/**
 * `POST /devices` (admin): registers a device key. 201 for a new device, 200 with the existing record when
 * the key is already registered (idempotent: a provisioning script can safely retry). A `giai` names the
 * device in EPCIS AssociationEvents; a device keeps the first one it is given (a repeated registration may
 * add one to a device that has none), and one GIAI names one device: 409 GIAI_TAKEN otherwise.
 * Expects the admin token and JSON body checks to run before it.
 * @example router.post("/devices", requireAdminToken(token), requireJsonBody, express.json(), registerDevice(deps, logger))
 */
export function registerDevice(deps: Pick<ApiDeps, "registry" | "store">, logger: ApiLogger): RequestHandler {
  return async (req, res) => {
    const { publicKey, label, giai } = parseDeviceRegistration(req.body);
    // Checked before registering too, so the usual refusal leaves no device behind; the assignment below
    // checks again, in one transaction, for a registration racing this one.
    if (giai !== undefined) {
      const holder = await deps.store.findDeviceByGiai(giai);
      if (holder !== undefined && holder.address !== addressFromPublicKey(publicKey)) {
        throw giaiTaken(giai, holder.address);
      }
    }
    const registered = await deps.registry.register(publicKey, label);
    const { created } = registered;
    let { device } = registered;
    if (giai !== undefined) {
      const outcome = await deps.registry.assignGiai(device.address, giai);
      if (outcome.status === "taken") throw giaiTaken(giai, outcome.holder);
      if (outcome.status === "conflict") {
        throw new ApiError(
          409,
          ApiErrorCode.GiaiTaken,
          `device ${device.address} has the GIAI ${outcome.device.giai} already`,
        );
      }
      if (outcome.status === "assigned") device = outcome.device;
    }
    if (created) logger.info({ device: device.address }, "device registered");
    res
      .status(created ? 201 : 200)
      .location(`${req.baseUrl}/devices/${device.address}`)
      .json(deviceToJson(device));
  };
}

const giaiTaken = (giai: string, holder: string) =>
  new ApiError(409, ApiErrorCode.GiaiTaken, `the GIAI ${giai} names device ${holder} already`);
