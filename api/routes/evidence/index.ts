import type express from "express";
import { methodNotAllowed } from "../../middleware/index.ts";
import { BatchTreeCache } from "../../services/batchTreeCache.ts";
import type { ApiDeps } from "../../types.ts";
import { getDeviceEvidence } from "./getDeviceEvidence.ts";
import { getItemEvidence } from "./getItemEvidence.ts";

export { getDeviceEvidence } from "./getDeviceEvidence.ts";
export { getItemEvidence, type ItemRoute } from "./getItemEvidence.ts";

/**
 * Evidence packages (open, like provenance), under the v1 prefix. One tree cache for all four routes: a
 * lot's and its items' packages read the same batches.
 * @example mountEvidence(api, deps)
 */
export function mountEvidence(api: express.Router, deps: ApiDeps): void {
  const trees = new BatchTreeCache();
  const only = methodNotAllowed(["GET", "HEAD"]);
  api
    .route("/evidence/01/:gtin/21/:serial")
    .get(getItemEvidence(deps, trees, "sgtin"))
    .all(only);
  api
    .route("/evidence/01/:gtin/10/:lot")
    .get(getItemEvidence(deps, trees, "lgtin"))
    .all(only);
  api
    .route("/evidence/00/:sscc")
    .get(getItemEvidence(deps, trees, "sscc"))
    .all(only);
  api.route("/evidence/devices/:address").get(getDeviceEvidence(deps, trees)).all(only);
}
