import type { RequestHandler } from "express";
import { ApiError, ApiErrorCode } from "../errors.ts";

/**
 * Refuses a request whose body is not declared `application/json` (415) before anything parses it; without
 * this, express.json() would skip the body silently and the handler would see no body at all.
 * @example router.post("/devices", requireJsonBody, express.json({ limit: "16kb" }), handler)
 */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (!req.is("application/json")) {
    throw new ApiError(415, ApiErrorCode.UnsupportedMediaType, "the body must be application/json");
  }
  next();
};
