import type { RequestHandler } from "express";
import { ApiError, ApiErrorCode } from "../errors.ts";
import type { BatchTreeCache } from "../services/batchTreeCache.ts";
import { buildEventProofBundle } from "../services/buildEventProofBundle.ts";
import type { ApiDeps } from "../types.ts";

/**
 * `GET /events/:key/proof`: the `sealtrail-event-proof-v1` bundle of an event named by its eventID, its
 * event hash ID or its message id (URL-encoded); 404 EVENT_NOT_FOUND. Public, like a reading's proof: the
 * bundle of a private event reveals the event to whoever knows its id (see docs/traceability.md).
 * @example router.get("/events/:key/proof", getEventProof(deps, new BatchTreeCache()))
 */
export function getEventProof(
  deps: Pick<ApiDeps, "store" | "anchorTargets" | "attester">,
  trees: BatchTreeCache,
): RequestHandler {
  return async (req, res) => {
    const key = String(req.params.key);
    const bundle = await buildEventProofBundle(key, {
      store: deps.store,
      attester: deps.attester,
      anchorTargets: deps.anchorTargets(),
      trees,
    });
    if (bundle === undefined)
      throw new ApiError(404, ApiErrorCode.EventNotFound, `no event ${key.slice(0, 120)}`);
    res.json(bundle);
  };
}
