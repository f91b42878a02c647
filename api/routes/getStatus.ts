import type { RequestHandler } from "express";
import { normalizeAddress } from "#protocol";
import { ApiError, ApiErrorCode } from "../errors.ts";
import type { ApiDeps } from "../types.ts";

/**
 * `GET /status`: 200 with the anchor targets, counts and the registrar's state (`registry`: configured,
 * authorised, why key changes wait, the outbox's counts) once the gateway is ready, 503 NOT_READY before
 * (load balancers and the demo poll it).
 * @example router.get("/status", getStatus(deps))
 */
export function getStatus(
  deps: Pick<ApiDeps, "store" | "anchorTargets" | "isReady" | "finalityDepth" | "registrar">,
): RequestHandler {
  return async (_req, res) => {
    if (!deps.isReady()) {
      throw new ApiError(503, ApiErrorCode.NotReady, "the gateway is still starting", {
        headers: { "Retry-After": "1" },
      });
    }
    const [devices, messages, registry] = await Promise.all([
      deps.store.listDevices(),
      deps.store.countMessages(),
      registryStatus(deps),
    ]);
    res.json({
      status: "ready",
      anchorTargets: deps
        .anchorTargets()
        .map((t) => ({ chainId: t.chainId, contract: normalizeAddress(t.contract) })),
      ...(deps.finalityDepth === undefined ? {} : { finalityDepth: deps.finalityDepth }),
      devices: devices.length,
      messages,
      registry,
    });
  };
}

/**
 * The registrar's state; without a registrar in this process, the outbox alone (its changes wait). Never an
 * error: a registry that is behind or unreachable delays key changes on chain, it does not stop ingest.
 */
async function registryStatus(deps: Pick<ApiDeps, "store" | "registrar">) {
  if (deps.registrar !== undefined) return deps.registrar.status();
  return {
    configured: false,
    chainId: null,
    contract: null,
    registrar: null,
    authorised: null,
    waiting: "no registrar runs in this process: key changes wait in the outbox",
    outbox: await deps.store.registryOutboxSummary(),
  };
}
