import type { Request, RequestHandler } from "express";
import { rateLimit as expressRateLimit, ipKeyGenerator } from "express-rate-limit";
import { ApiError, ApiErrorCode } from "../errors.ts";
import { PROBLEM_TYPE_BASE } from "../routes/resolver/resolverProblems.ts";

export type RateLimitOptions = {
  /** Names the limit in the RateLimit headers and the refusal ("public", "capture"). */
  name: string;
  /** Requests one client may make per window. */
  limit: number;
  windowMs: number;
  /**
   * Whether a refused request is answered with an RFC 9457 problem document (`application/problem+json`)
   * rather than the API's `{ error }`: true where the routes behind answer every other refusal that way
   * (the resolver, the EPCIS interface), so a client parses one shape there. Default: never.
   */
  answersProblems?: (req: Request) => boolean;
};

/** The problem type of a 429, documented with the resolver's (docs/resolver.md) and EPCIS's (docs/api.md). */
export const RATE_LIMITED_PROBLEM_TYPE = `${PROBLEM_TYPE_BASE}rate-limited`;

/**
 * Per-client rate limit: past `limit` requests in a window, 429 RATE_LIMITED with `Retry-After` (seconds
 * until the window resets) and the IETF `RateLimit`/`RateLimit-Policy` headers; in the API's JSON error
 * shape, or as a problem document where `answersProblems` says so. A client is its IP address
 * as Express sees it (`req.ip`: the socket's peer, or the X-Forwarded-For hop chosen by `trust proxy`), IPv6
 * addresses grouped by /56 as one subscriber usually holds one.
 *
 * Counts live in this process's memory: N API instances behind a load balancer let a client make N times
 * the limit, and a restart forgets them (docs/operations.md, "Rate limits").
 * @example app.use("/01", rateLimit({ name: "public", limit: 600, windowMs: 60_000 }))
 */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  return expressRateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    identifier: options.name,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? "unknown"),
    handler: (req, res, next) => {
      const retryAfter = String(res.getHeader("Retry-After") ?? Math.ceil(options.windowMs / 1000));
      const detail = "too many requests; retry after the window resets";
      if (options.answersProblems?.(req)) {
        // Answered here, not passed on: the routes' own problem handlers sit on the routes, which a
        // refusal raised before routing never reaches.
        res
          .status(429)
          .set("Retry-After", retryAfter)
          .type("application/problem+json")
          .send(
            JSON.stringify({
              type: RATE_LIMITED_PROBLEM_TYPE,
              title: "Too Many Requests",
              status: 429,
              code: ApiErrorCode.RateLimited,
              detail: `${detail} (${options.name} limit)`,
            }),
          );
        return;
      }
      next(
        new ApiError(429, ApiErrorCode.RateLimited, detail, {
          details: { limit: options.name, ip: req.ip },
          headers: { "Retry-After": retryAfter },
        }),
      );
    },
  });
}
