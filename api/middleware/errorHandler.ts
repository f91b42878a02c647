import type { ErrorRequestHandler, Response } from "express";
import { InvariantError } from "#protocol";
import { ApiError, ApiErrorCode } from "../errors.ts";
import type { ApiLogger } from "../types.ts";

/** Errors body-parser and the router raise, recognised by their `type` / `status`. */
type HttpLikeError = { type?: unknown; status?: unknown; statusCode?: unknown; expose?: unknown };

/**
 * Maps anything thrown by a route to `{ "error": { "code", "message" } }`. ApiErrors carry their own
 * status; body-parser's errors become 400/413/415; everything else is a 500 whose details go to the log,
 * never to the client.
 * @example app.use(errorHandler(logger))
 */
export function errorHandler(logger: ApiLogger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500) {
      logger.error({ err: error, method: req.method, path: req.path }, "request failed");
    }
    send(res, apiError);
  };
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof InvariantError) {
    return new ApiError(500, ApiErrorCode.Invariant, "internal invariant violated (a bug in Sealtrail)");
  }
  const http = (typeof error === "object" && error !== null ? error : {}) as HttpLikeError;
  switch (http.type) {
    case "entity.too.large":
      return new ApiError(413, ApiErrorCode.PayloadTooLarge, "the body is too large");
    case "entity.parse.failed":
      return new ApiError(400, ApiErrorCode.InvalidBody, "the body is not valid JSON");
    case "encoding.unsupported":
    case "charset.unsupported":
      return new ApiError(415, ApiErrorCode.UnsupportedMediaType, "unsupported body encoding or charset");
  }
  const status = typeof http.status === "number" ? http.status : http.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500 && http.expose !== false) {
    return new ApiError(status, ApiErrorCode.BadRequest, "the request is malformed");
  }
  return new ApiError(500, ApiErrorCode.Internal, "internal error");
}

function send(res: Response, error: ApiError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res
    .status(error.status)
    .set(error.headers)
    .json({ error: { code: error.code, message: error.shortMessage } });
}
