import type { RequestHandler } from "express";
import { ApiError, ApiErrorCode } from "../errors.ts";
import type { BatchTreeCache } from "../services/batchTreeCache.ts";
import { buildProofBundle } from "../services/buildProofBundle.ts";
import type { ApiDeps } from "../types.ts";
import { parseMessageIdParam } from "../validation/parseMessageIdParam.ts";

/**
 * `GET /readings/:messageId/proof`: the reading's `sealtrail-proof-v1` bundle, for `sealtrail verify` or
 * any independent verifier; 404 READING_NOT_FOUND.
 * @example router.get("/readings/:messageId/proof", getReadingProof(deps, new BatchTreeCache()))
 */
export function getReadingProof(
  deps: Pick<ApiDeps, "store" | "anchorTargets">,
  trees: BatchTreeCache,
): RequestHandler {
  return async (req, res) => {
    const messageId = parseMessageIdParam(req.params.messageId);
    const bundle = await buildProofBundle(messageId, {
      store: deps.store,
      anchorTargets: deps.anchorTargets(),
      trees,
    });
    if (bundle === undefined)
      throw new ApiError(404, ApiErrorCode.ReadingNotFound, `no reading ${messageId}`);
    // Indented: auditors save and read bundles as files.
    res.type("application/json").send(`${JSON.stringify(bundle, null, 2)}\n`);
  };
}
