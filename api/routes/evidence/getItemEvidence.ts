import type { RequestHandler } from "express";
import { buildEvidencePackage, type EvidenceSubject } from "#evidence";
import { ApiError, ApiErrorCode } from "../../errors.ts";
import type { BatchTreeCache } from "../../services/batchTreeCache.ts";
import { buildProvenance } from "../../services/provenance/buildProvenance.ts";
import { callerAccess } from "../../services/provenance/callerAccess.ts";
import type { ApiDeps } from "../../types.ts";
import { parseItemParam } from "../../validation/parseItemParam.ts";
import { DEFAULT_MAX_SILENCE_MS } from "../provenance/getProvenance.ts";
import { sendLargeJson } from "../provenance/sendLargeJson.ts";
import { contentFromProvenance } from "./contentFromProvenance.ts";
import { storeEvidenceSource } from "./evidenceSource.ts";

/** Which Digital Link path a route serves, and what kind of subject that makes. */
export type ItemRoute = "sgtin" | "lgtin" | "sscc";

const KIND: Record<ItemRoute, "item" | "lot" | "shipment"> = {
  sgtin: "item",
  lgtin: "lot",
  sscc: "shipment",
};

/**
 * `GET /evidence/01/{gtin}/21/{serial}`, `/evidence/01/{gtin}/10/{lot}`, `/evidence/00/{sscc}`: the
 * subject's `sealtrail-evidence-v1` package, built from its provenance for the same caller (without
 * credentials private events are message ids and hash IDs only; the admin token packs them whole).
 * 404 ITEM_NOT_FOUND when no event the caller may see names it.
 * @example api.get("/evidence/01/:gtin/21/:serial", getItemEvidence(deps, trees, "sgtin"))
 */
export function getItemEvidence(
  deps: Pick<
    ApiDeps,
    | "store"
    | "adminToken"
    | "anchorTargets"
    | "attester"
    | "defaultTemperatureProfile"
    | "provenanceMaxSilenceMs"
  >,
  trees: BatchTreeCache,
  route: ItemRoute,
): RequestHandler {
  return async (req, res) => {
    const { access, viewer } = await callerAccess(req, deps);
    const { gtin, serial, lot, sscc } = req.params;
    // Express has decoded the path: encoded again, each value reads back as itself.
    const path =
      route === "sgtin"
        ? `/01/${gtin}/21/${encodeURIComponent(String(serial))}`
        : route === "lgtin"
          ? `/01/${gtin}/10/${encodeURIComponent(String(lot))}`
          : `/00/${sscc}`;
    const item = parseItemParam(path);
    const maxSilenceMs = deps.provenanceMaxSilenceMs ?? DEFAULT_MAX_SILENCE_MS;
    const document = await buildProvenance(item, {
      store: deps.store,
      targets: deps.anchorTargets(),
      access,
      viewer,
      now: Date.now(),
      maxSilenceMs,
      // The package lists every reading the verdict reads by id.
      readingIds: true,
      ...(deps.defaultTemperatureProfile ? { defaultProfile: deps.defaultTemperatureProfile } : {}),
    });
    if (document === null) {
      throw new ApiError(404, ApiErrorCode.ItemNotFound, `no event the caller may see names ${item.id}`);
    }
    const subject: EvidenceSubject = { kind: KIND[route], id: item.id, gtin: item.gtin };
    const content = contentFromProvenance(document, subject, maxSilenceMs);
    // Like provenance: no ETag over ~1 MB that never matches, gzip (level 1) for a phone: 862 → 397 kB.
    await sendLargeJson(req, res, await buildEvidencePackage(content, storeEvidenceSource(deps, trees)));
  };
}
