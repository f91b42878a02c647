import type { RequestHandler } from "express";
import { deviceToJson } from "../services/deviceToJson.ts";
import type { ApiDeps } from "../types.ts";

/**
 * `GET /devices`: every registered device (address, key, label, lifecycle times), oldest first.
 * @example router.get("/devices", listDevices(deps))
 */
export function listDevices(deps: Pick<ApiDeps, "store">): RequestHandler {
  return async (_req, res) => {
    res.json({ devices: (await deps.store.listDevices()).map((d) => deviceToJson(d)) });
  };
}
