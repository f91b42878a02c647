import type { RequestHandler } from "express";
import { ApiError, ApiErrorCode } from "../errors.ts";

/**
 * The last route: 404 NOT_FOUND in the API's JSON error shape.
 * @example app.use(notFound)
 */
export const notFound: RequestHandler = (req) => {
  throw new ApiError(404, ApiErrorCode.NotFound, `no route for ${req.method} ${req.path.slice(0, 200)}`);
};
