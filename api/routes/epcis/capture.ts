import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import { CAPTURE_EVENT_LIMIT, captureEvents } from "../../services/capture/captureEvents.ts";
import { captureJobToJson } from "../../services/capture/captureJobToJson.ts";
import { EpcisHttpProblem } from "../../services/capture/epcisHttpProblem.ts";
import { CAPTURE_FILE_SIZE_LIMIT, parseCaptureBody } from "../../services/capture/parseCaptureBody.ts";
import type { ApiDeps, ApiLogger } from "../../types.ts";
import { captureTarget, errorBehaviour, requireCapturer } from "./captureRequest.ts";

/** The headers of GS1's REST binding that announce what this repository captures. */
export const CAPTURE_LIMIT_HEADERS = {
  "GS1-EPCIS-Version": "2.0.0",
  "GS1-CBV-Version": "2.0.0",
  "GS1-EPCIS-Capture-Limit": String(CAPTURE_EVENT_LIMIT),
  "GS1-EPCIS-Capture-File-Size-Limit": String(CAPTURE_FILE_SIZE_LIMIT),
  "GS1-Capture-Error-Behaviour": "rollback, proceed",
};

/**
 * `OPTIONS /epcis/capture`: 204 with the capture limits (events per document, bytes per body).
 * @example epcis.options("/capture", optionsCapture)
 */
export const optionsCapture: RequestHandler = (_req, res) => {
  res
    .status(204)
    .set({ ...CAPTURE_LIMIT_HEADERS, Allow: "OPTIONS, POST" })
    .end();
};

/**
 * `POST /epcis/capture`: an EPCISDocument (or `{"signedEvents": […]}`, or one `application/cose` message).
 * The body is checked for size, JSON and authentication at once; then a job is recorded and the answer is
 * `202 Accepted` with `Location: /epcis/capture/{id}`, and the job runs ({@link captureEvents}).
 * @example epcis.post("/capture", express.raw({ type: () => true, limit }), postCapture(deps, logger))
 */
export function postCapture(
  deps: Pick<ApiDeps, "store" | "adminToken" | "attester">,
  logger: ApiLogger,
): RequestHandler {
  return async (req, res) => {
    const capturer = await requireCapturer(req, deps);
    const behaviour = errorBehaviour(req);
    const { organisation, visibility } = await captureTarget(req, capturer, deps);
    const input = parseCaptureBody(req, Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), false);
    const id = randomUUID();
    const now = Date.now();
    await deps.store.createCaptureJob({
      id,
      organisation,
      state: "running",
      createdAt: now,
      finishedAt: null,
      result: { captureErrorBehaviour: behaviour },
    });
    res.status(202).set(CAPTURE_LIMIT_HEADERS).location(`${req.baseUrl}/capture/${id}`).end();
    // After the answer: a client polls the job. A crash meanwhile leaves the job "running" with all or
    // none of its events stored (one transaction); the next start finishes it as failed, saying which
    // (recoverCaptureJobs).
    setImmediate(() => {
      void (async () => {
        try {
          const outcome = await captureEvents(input, {
            store: deps.store,
            attester: deps.attester,
            capturer,
            organisation,
            visibility,
            allOrNothing: behaviour === "rollback",
            now,
          });
          const success = outcome.errors.length === 0 || outcome.captured.length > 0;
          await deps.store.finishCaptureJob(id, {
            state: success ? "success" : "failed",
            finishedAt: Date.now(),
            result: { captureErrorBehaviour: behaviour, ...outcome },
          });
          logger.info(
            { capture: id, organisation, captured: outcome.captured.length, refused: outcome.errors.length },
            "capture job finished",
          );
        } catch (error) {
          logger.error({ err: error, capture: id }, "capture job failed");
          await deps.store
            .finishCaptureJob(id, {
              state: "failed",
              finishedAt: Date.now(),
              result: {
                captureErrorBehaviour: behaviour,
                errors: [
                  {
                    index: null,
                    code: "INTERNAL",
                    type: "epcisException:ImplementationException",
                    pointer: "",
                    detail: "internal error",
                  },
                ],
              },
            })
            .catch(() => {});
        }
      })();
    });
  };
}

/**
 * `GET /epcis/capture/:id`: the job, to the admin or the organisation it captured for; 404 otherwise
 * (another organisation's job is not revealed to exist).
 * @example epcis.get("/capture/:id", getCaptureJob(deps))
 */
export function getCaptureJob(deps: Pick<ApiDeps, "store" | "adminToken">): RequestHandler {
  return async (req, res) => {
    const capturer = await requireCapturer(req, deps);
    const job = await deps.store.getCaptureJob(String(req.params.id));
    if (!job || (capturer.kind === "organisation" && job.organisation !== capturer.organisation.id))
      throw new EpcisHttpProblem(
        404,
        "NoSuchResourceException",
        "CAPTURE_JOB_NOT_FOUND",
        "no such capture job",
      );
    res.json(captureJobToJson(job));
  };
}
