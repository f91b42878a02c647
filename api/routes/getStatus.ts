import type { RequestHandler } from "express";
import { normalizeAddress } from "#protocol";
import { ApiError, ApiErrorCode } from "../errors.ts";
import type { ApiDeps } from "../types.ts";

/**
 * `GET /status`: 200 with the anchor targets and counts once the gateway is ready, 503 NOT_READY before
 * (load balancers and the demo poll it).
 * @example router.get("/status", getStatus(deps))
 */
export function getStatus(
  deps: Pick<ApiDeps, "store" | "anchorTargets" | "isReady" | "finalityDepth">,
): RequestHandler {
  return async (_req, res) => {
    if (!deps.isReady()) {
      throw new ApiError(503, ApiErrorCode.NotReady, "the gateway is still starting", {
        headers: { "Retry-After": "1" },
      });
    }
    const [devices, messages] = await Promise.all([deps.store.listDevices(), deps.store.countMessages()]);
    res.json({
      status: "ready",
      anchorTargets: deps
        .anchorTargets()
        .map((t) => ({ chainId: t.chainId, contract: normalizeAddress(t.contract) })),
      ...(deps.finalityDepth === undefined ? {} : { finalityDepth: deps.finalityDepth }),
      devices: devices.length,
      messages,
    });
  };
}
