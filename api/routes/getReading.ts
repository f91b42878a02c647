import type { RequestHandler } from "express";
import { ApiError, ApiErrorCode } from "../errors.ts";
import { resolveAnchors } from "../services/resolveAnchors.ts";
import { summarizeAnchorStatus } from "../services/summarizeAnchorStatus.ts";
import type { ApiDeps } from "../types.ts";
import { parseMessageIdParam } from "../validation/parseMessageIdParam.ts";

/**
 * `GET /readings/:messageId`: a stored reading, decoded, with its batch and anchoring status; 404
 * READING_NOT_FOUND.
 * @example router.get("/readings/:messageId", getReading(deps))
 */
export function getReading(deps: Pick<ApiDeps, "store" | "anchorTargets">): RequestHandler {
  return async (req, res) => {
    const messageId = parseMessageIdParam(req.params.messageId);
    const message = await deps.store.getMessage(messageId);
    if (message === undefined)
      throw new ApiError(404, ApiErrorCode.ReadingNotFound, `no reading ${messageId}`);
    const anchors = await resolveAnchors(deps.store, deps.anchorTargets(), message.batchId);
    res.json({
      messageId: message.messageId,
      device: message.device,
      seq: message.seq,
      deviceTs: message.deviceTs,
      receivedAt: message.receivedAt,
      reading: JSON.parse(message.payloadJson) as unknown,
      batchId: message.batchId,
      status: summarizeAnchorStatus(message.batchId, anchors),
    });
  };
}
