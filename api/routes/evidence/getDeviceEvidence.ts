import type { RequestHandler } from "express";
import { buildEvidencePackage } from "#evidence";
import { checkReadingChain } from "#provenance";
import { ApiError, ApiErrorCode } from "../../errors.ts";
import type { BatchTreeCache } from "../../services/batchTreeCache.ts";
import type { ApiDeps } from "../../types.ts";
import { parseAddressParam } from "../../validation/index.ts";
import { DEFAULT_MAX_SILENCE_MS } from "../provenance/getProvenance.ts";
import { sendLargeJson } from "../provenance/sendLargeJson.ts";
import { storeEvidenceSource } from "./evidenceSource.ts";
import { parseTimeRange } from "./parseTimeRange.ts";

/**
 * `GET /evidence/devices/{address}?from=&to=`: one device's readings with from <= ts <= to (device clock),
 * plus the one before and the one after so that the edges of its hash chain can be checked, as a
 * `sealtrail-evidence-v1` package. 404 DEVICE_NOT_FOUND for an unregistered device; 400 INVALID_QUERY when
 * the window holds more readings than one package carries (narrow it).
 * @example api.get("/evidence/devices/:address", getDeviceEvidence(deps, trees))
 */
export function getDeviceEvidence(
  deps: Pick<ApiDeps, "store" | "anchorTargets" | "attester" | "provenanceMaxSilenceMs">,
  trees: BatchTreeCache,
): RequestHandler {
  return async (req, res) => {
    const address = parseAddressParam(req.params.address);
    const { from, to } = parseTimeRange(req.query as Record<string, unknown>);
    const device = await deps.store.getDevice(address);
    if (device === undefined) {
      throw new ApiError(404, ApiErrorCode.DeviceNotFound, `no device ${address} is registered`);
    }
    const window = await deps.store.readingsAround(address, from, to);
    if (window.truncated) {
      throw new ApiError(
        400,
        ApiErrorCode.InvalidQuery,
        `the window holds more than ${window.within.length} readings: ask for a shorter one`,
      );
    }
    const maxSilenceMs = deps.provenanceMaxSilenceMs ?? DEFAULT_MAX_SILENCE_MS;
    const links = [
      ...(window.before ? [window.before] : []),
      ...window.within,
      ...(window.after ? [window.after] : []),
    ];
    const chain = checkReadingChain(links, { from, to, maxSilenceMs });
    const pkg = await buildEvidencePackage(
      {
        subject: { kind: "device", id: address, from, to },
        generatedAt: Date.now(),
        profile: null,
        maxSilenceMs,
        journey: null,
        readings: links.map((r) => r.messageId),
        devices: [address],
        claimed: { complete: chain.complete, verdict: null, gaps: chain.gaps },
      },
      storeEvidenceSource(deps, trees),
    );
    await sendLargeJson(req, res, pkg);
  };
}
