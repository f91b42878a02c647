import type { RequestHandler } from "express";
import { ApiError, ApiErrorCode } from "../errors.ts";
import type { ApiDeps } from "../types.ts";
import { parseAddressParam } from "../validation/parseAddressParam.ts";

const MAX_LIMIT = 1000;

function intParam(value: unknown, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = typeof value === "string" && /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n > max)
    throw new ApiError(400, ApiErrorCode.InvalidQuery, `${name} must be an integer from 0 to ${max}`);
  return n;
}

/**
 * `GET /devices/:address/readings?fromTs=&toTs=&limit=`: a device's readings by seq (device time window in
 * ms, at most 1,000, default 100), each with its id, so any of them can be fetched with its proof.
 * @example router.get("/devices/:address/readings", listDeviceReadings(deps))
 */
export function listDeviceReadings(deps: Pick<ApiDeps, "store">): RequestHandler {
  return async (req, res) => {
    const address = parseAddressParam(req.params.address);
    if ((await deps.store.getDevice(address)) === undefined)
      throw new ApiError(404, ApiErrorCode.DeviceNotFound, `no device ${address}`);
    const fromTs = intParam(req.query.fromTs, "fromTs", 0);
    const toTs = intParam(req.query.toTs, "toTs", Number.MAX_SAFE_INTEGER);
    const limit = intParam(req.query.limit, "limit", 100, MAX_LIMIT);
    const messages = await deps.store.listDeviceMessages(address, { fromTs, toTs, limit });
    res.json({
      device: address,
      readings: messages.map((m) => ({
        messageId: m.messageId,
        seq: m.seq,
        deviceTs: m.deviceTs,
        receivedAt: m.receivedAt,
        reading: JSON.parse(m.payloadJson) as unknown,
        batchId: m.batchId,
      })),
    });
  };
}
