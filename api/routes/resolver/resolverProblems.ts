import { STATUS_CODES } from "node:http";
import type { ErrorRequestHandler } from "express";
import { ApiError, ApiErrorCode } from "../../errors.ts";

/** Refusals the resolver answers as RFC 9457 problem documents; others keep the API's JSON error shape. */
const PROBLEM_CODES: ReadonlySet<string> = new Set([
  ApiErrorCode.InvalidDigitalLink,
  ApiErrorCode.LinkTypeNotFound,
  ApiErrorCode.ItemNotFound,
  ApiErrorCode.NotAcceptable,
  ApiErrorCode.InvalidQrOptions,
  ApiErrorCode.BadRequest,
]);

/** Where a problem type is documented (docs/resolver.md lists them). */
export const PROBLEM_TYPE_BASE = "https://sealtrail.dev/problems/";

/**
 * The resolver's error handler: a caller's mistake becomes an `application/problem+json` document (RFC
 * 9457) with Sealtrail's stable `code` and, for a malformed Digital Link, the GS1 `rule` it breaks and the
 * offending `value`; for an unknown link type, the `linkTypes` the item has. Anything else (405, 500) goes
 * on to the API's error handler.
 * @example router.use(resolverProblems)
 */
export const resolverProblems: ErrorRequestHandler = (error, _req, res, next) => {
  if (!(error instanceof ApiError) || !PROBLEM_CODES.has(error.code) || res.headersSent) {
    next(error);
    return;
  }
  const { rule, value, linkTypes } = error.details as {
    rule?: unknown;
    value?: unknown;
    linkTypes?: unknown;
  };
  res
    .status(error.status)
    .set(error.headers)
    .type("application/problem+json")
    .send(
      JSON.stringify({
        type: `${PROBLEM_TYPE_BASE}${error.code.toLowerCase().replaceAll("_", "-")}`,
        title: STATUS_CODES[error.status] ?? "Error",
        status: error.status,
        code: error.code,
        detail: error.shortMessage,
        ...(typeof rule === "string" ? { rule } : {}),
        ...(typeof value === "string" ? { value } : {}),
        ...(Array.isArray(linkTypes) ? { linkTypes } : {}),
      }),
    );
};
