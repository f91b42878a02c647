import type { RequestHandler } from "express";
import { ApiError, ApiErrorCode } from "../errors.ts";

/**
 * Answers 405 with an `Allow` header for a known path called with another method.
 * @example router.route("/devices").post(handler).all(methodNotAllowed(["POST"]))
 */
export function methodNotAllowed(allowed: readonly string[]): RequestHandler {
  const allow = allowed.join(", ");
  return (req) => {
    throw new ApiError(
      405,
      ApiErrorCode.MethodNotAllowed,
      `${req.method} is not allowed here (allowed: ${allow})`,
      {
        headers: { Allow: allow },
      },
    );
  };
}
