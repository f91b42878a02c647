import express, { type Router } from "express";
import { EpcisHttpProblem, epcisErrorHandler } from "../../services/capture/epcisHttpProblem.ts";
import { CAPTURE_FILE_SIZE_LIMIT } from "../../services/capture/parseCaptureBody.ts";
import type { ApiDeps, ApiLogger } from "../../types.ts";
import { getCaptureJob, optionsCapture, postCapture } from "./capture.ts";
import { getEvent } from "./getEvent.ts";
import { listEpcEvents } from "./listEpcEvents.ts";
import { listEvents } from "./listEvents.ts";
import { listEventTypes } from "./listEventTypes.ts";
import { postEvent } from "./postEvent.ts";

export { CAPTURE_LIMIT_HEADERS } from "./capture.ts";

const notAllowed = (allow: string) => () => {
  throw new EpcisHttpProblem(
    405,
    "ValidationException",
    "METHOD_NOT_ALLOWED",
    "method not allowed here",
    {},
    { Allow: allow },
  );
};

/**
 * GS1's EPCIS 2.0 REST binding, mounted at `/epcis`: capture (`/capture` jobs, `POST /events`) and query
 * (`GET /events` with SimpleEventQuery parameters, `/events/{eventID}`, `/eventTypes`, `/epcs/{epc}/events`). Bodies are read raw up to the file size limit (413 beyond), so nothing parses JSON before the
 * bounded parser does. Every refusal is an RFC 7807 problem document.
 * @example app.use("/epcis", epcisRouter(deps, logger))
 */
export function epcisRouter(deps: ApiDeps, logger: ApiLogger): Router {
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: CAPTURE_FILE_SIZE_LIMIT });
  router
    .route("/capture")
    .post(raw, postCapture(deps, logger))
    // OPTIONS inside all(): the API's route listing (openapi.test.ts) counts only GET/POST/… methods.
    .all((req, res, next) =>
      req.method === "OPTIONS" ? optionsCapture(req, res, next) : notAllowed("OPTIONS, POST")(),
    );
  router.route("/capture/:id").get(getCaptureJob(deps)).all(notAllowed("GET, HEAD"));
  router
    .route("/events")
    .get(listEvents(deps))
    .post(raw, postEvent(deps, logger))
    .all(notAllowed("GET, HEAD, POST"));
  router.route("/events/:eventID").get(getEvent(deps)).all(notAllowed("GET, HEAD"));
  router.route("/eventTypes").get(listEventTypes()).all(notAllowed("GET, HEAD"));
  router.route("/epcs/:epc/events").get(listEpcEvents(deps)).all(notAllowed("GET, HEAD"));
  router.use(epcisErrorHandler(logger));
  return router;
}
