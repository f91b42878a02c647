import { createHash, timingSafeEqual } from "node:crypto";
import type { Request } from "express";
import { ApiError, ApiErrorCode } from "../../errors.ts";

/** What a provenance caller may see: `admin` every event, `public` the public ones (the rest as hashes). */
export type CallerAccess = "admin" | "public";

const BEARER_RE = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const digest = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();

/**
 * The access of a request to an open route: no Authorization header is `public`; the admin token is
 * `admin`; any other credential is refused (403, or 401 when malformed) rather than silently served the
 * public view, so a caller with a mistyped token does not take a partial record for the whole one.
 * Compared as SHA-256 digests with timingSafeEqual, as requireAdminToken does.
 * @example callerAccess(req, deps.adminToken) // "public"
 */
export function callerAccess(req: Request, adminToken: string): CallerAccess {
  const header = req.get("authorization");
  if (header === undefined) return "public";
  const token = BEARER_RE.exec(header)?.[1];
  if (token === undefined) {
    throw new ApiError(
      401,
      ApiErrorCode.Unauthorized,
      "malformed Authorization header, expected Bearer <token>",
      {
        headers: { "WWW-Authenticate": 'Bearer realm="sealtrail", error="invalid_request"' },
      },
    );
  }
  if (!timingSafeEqual(digest(token), digest(adminToken))) {
    throw new ApiError(403, ApiErrorCode.Forbidden, "the token is not valid");
  }
  return "admin";
}
