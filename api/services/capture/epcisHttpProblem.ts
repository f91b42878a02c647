import type { ErrorRequestHandler, Response } from "express";
import { ApiError } from "../../errors.ts";
import type { ApiLogger } from "../../types.ts";

/**
 * A refusal of the EPCIS interface, answered as an RFC 7807 problem document whose `type` is the EPCIS
 * exception of GS1's REST binding (`epcisException:ValidationException`, …), with Sealtrail's stable `code`
 * beside it and, for a capture, each refused event in `errors`.
 */
export class EpcisHttpProblem extends Error {
  readonly status: number;
  readonly exception: string;
  readonly code: string;
  readonly detail: string;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;

  // No parameter properties: Node runs this file by stripping types, which cannot erase them.
  constructor(
    status: number,
    exception: string,
    code: string,
    detail: string,
    extra: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    super(`${code}: ${detail}`);
    this.status = status;
    this.exception = exception;
    this.code = code;
    this.detail = detail;
    this.extra = extra;
    this.headers = headers;
  }
}

export function sendProblem(res: Response, p: EpcisHttpProblem): void {
  res
    .status(p.status)
    .set(p.headers)
    .type("application/problem+json")
    .send(
      JSON.stringify({
        type: `epcisException:${p.exception}`,
        title: p.exception.replace(/([a-z])([A-Z])/g, "$1 $2"),
        status: p.status,
        code: p.code,
        detail: p.detail,
        ...p.extra,
      }),
    );
}

/**
 * The error handler of `/epcis`: problem documents, never the API's `{ error }` shape, since EPCIS clients
 * expect GS1's. An authentication refusal is a SecurityException, a body over the size limit a
 * CaptureLimitExceededException (413), anything unexpected an ImplementationException (500, logged).
 * @example epcis.use(epcisErrorHandler(logger))
 */
export function epcisErrorHandler(logger: ApiLogger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof EpcisHttpProblem) return sendProblem(res, error);
    if (error instanceof ApiError) {
      const exception =
        error.status === 401 || error.status === 403
          ? "SecurityException"
          : error.status === 404
            ? "NoSuchResourceException"
            : "ValidationException";
      return sendProblem(
        res,
        new EpcisHttpProblem(
          error.status,
          exception,
          error.code,
          error.shortMessage,
          {},
          { ...error.headers },
        ),
      );
    }
    const type = (error as { type?: unknown } | null)?.type;
    if (type === "entity.too.large")
      return sendProblem(
        res,
        new EpcisHttpProblem(
          413,
          "CaptureLimitExceededException",
          "EPCIS_TOO_LARGE",
          "the body is larger than GS1-EPCIS-Capture-File-Size-Limit",
        ),
      );
    logger.error({ err: error, method: req.method, path: req.path }, "EPCIS request failed");
    sendProblem(res, new EpcisHttpProblem(500, "ImplementationException", "INTERNAL", "internal error"));
  };
}
