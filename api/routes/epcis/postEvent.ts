import type { RequestHandler } from "express";
import { captureEvents } from "../../services/capture/captureEvents.ts";
import { EpcisHttpProblem } from "../../services/capture/epcisHttpProblem.ts";
import { parseCaptureBody } from "../../services/capture/parseCaptureBody.ts";
import type { ApiDeps, ApiLogger } from "../../types.ts";
import { captureTarget, requireCapturer } from "./captureRequest.ts";

/**
 * `POST /epcis/events`: captures ONE event (JSON, or one `application/cose` message) at once: 201 with
 * `Location: /epcis/events/{eventID}` and `{ eventID, messageId }`; 409 when its event hash ID is stored
 * already; 400/403 problem documents with the refusal otherwise.
 * @example epcis.post("/events", express.raw({ type: () => true, limit }), postEvent(deps, logger))
 */
export function postEvent(
  deps: Pick<ApiDeps, "store" | "adminToken" | "attester">,
  logger: ApiLogger,
): RequestHandler {
  return async (req, res) => {
    const capturer = await requireCapturer(req, deps);
    const { organisation, visibility } = await captureTarget(req, capturer, deps);
    const input = parseCaptureBody(req, Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), true);
    if (input.kind === "signed" && input.messages.length !== 1)
      throw new EpcisHttpProblem(400, "ValidationException", "INVALID_BODY", "POST /events takes one event");
    const outcome = await captureEvents(input, {
      store: deps.store,
      attester: deps.attester,
      capturer,
      organisation,
      visibility,
      allOrNothing: true,
      now: Date.now(),
    });
    const captured = outcome.captured[0];
    if (captured) {
      logger.info({ organisation, eventID: captured.eventID }, "event captured");
      res
        .status(201)
        .location(`${req.baseUrl}/events/${encodeURIComponent(captured.eventID)}`)
        .json(captured);
      return;
    }
    const first = outcome.errors[0];
    const exception = first?.type.replace("epcisException:", "") ?? "ValidationException";
    const status =
      first?.code === "EPCIS_DUPLICATE_EVENT"
        ? 409
        : exception === "SecurityException"
          ? 403
          : exception === "ImplementationException"
            ? 501
            : 400;
    throw new EpcisHttpProblem(
      status,
      exception,
      first?.code ?? "EPCIS_NOT_CAPTURED",
      first?.detail ?? "the event was not captured",
      { errors: outcome.errors },
    );
  };
}
