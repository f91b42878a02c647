import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { validateArgument } from "#protocol";
import { ApiError, ApiErrorCode } from "../errors.ts";

/** Shortest admin token accepted: anything shorter is guessable. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token.
const BEARER_RE = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const REALM = 'Bearer realm="sealtrail"';

const digest = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();

/**
 * Admits requests carrying `Authorization: Bearer <adminToken>`. A missing or malformed header is 401 (with
 * `WWW-Authenticate`), a wrong token 403. Tokens are compared as SHA-256 digests with `timingSafeEqual`,
 * so neither the content nor the length of the expected token leaks through timing.
 * @example router.post("/devices", requireAdminToken(config.adminToken), handler)
 */
export function requireAdminToken(adminToken: string): RequestHandler {
  validateArgument(
    typeof adminToken === "string" &&
      adminToken.length >= MIN_ADMIN_TOKEN_LENGTH &&
      BEARER_RE.test(`Bearer ${adminToken}`),
    `the admin token must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters of [A-Za-z0-9-._~+/]`,
  );
  const expected = digest(adminToken);
  return (req, _res, next) => {
    const header = req.get("authorization");
    if (header === undefined) {
      throw new ApiError(
        401,
        ApiErrorCode.Unauthorized,
        "this route needs Authorization: Bearer <admin token>",
        {
          headers: { "WWW-Authenticate": REALM },
        },
      );
    }
    const token = BEARER_RE.exec(header)?.[1];
    if (token === undefined) {
      throw new ApiError(
        401,
        ApiErrorCode.Unauthorized,
        "malformed Authorization header, expected Bearer <token>",
        {
          headers: { "WWW-Authenticate": `${REALM}, error="invalid_request"` },
        },
      );
    }
    if (!timingSafeEqual(digest(token), expected)) {
      throw new ApiError(403, ApiErrorCode.Forbidden, "the admin token is not valid");
    }
    next();
  };
}
