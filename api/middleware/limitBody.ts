import type { RequestHandler } from "express";
import { ApiError, ApiErrorCode } from "../errors.ts";

/**
 * Refuses (413 PAYLOAD_TOO_LARGE) a request that declares a body larger than `maxBytes`, before anything
 * reads it: the per-route limit for routes whose handlers never parse a body (reads: 0) or parse it later
 * with a limit of their own. A chunked body (no Content-Length) is refused where no body is allowed at
 * all, and elsewhere bounded by the route's parser.
 * @example app.use("/01", limitBody(0))
 */
export function limitBody(maxBytes: number): RequestHandler {
  return (req, _res, next) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    const chunked = req.headers["transfer-encoding"] !== undefined;
    if (!Number.isFinite(declared) || declared > maxBytes || (chunked && maxBytes === 0)) {
      next(
        new ApiError(
          413,
          ApiErrorCode.PayloadTooLarge,
          `the body is too large (at most ${maxBytes} bytes here)`,
        ),
      );
      return;
    }
    next();
  };
}
