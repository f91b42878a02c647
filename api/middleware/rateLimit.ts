import type { RequestHandler } from "express";
import { rateLimit as expressRateLimit, ipKeyGenerator } from "express-rate-limit";
import { ApiError, ApiErrorCode } from "../errors.ts";

export type RateLimitOptions = {
  /** Names the limit in the RateLimit headers and the refusal ("public", "capture"). */
  name: string;
  /** Requests one client may make per window. */
  limit: number;
  windowMs: number;
};

/**
 * Per-client rate limit: past `limit` requests in a window, 429 RATE_LIMITED with `Retry-After` (seconds
 * until the window resets) and the IETF `RateLimit`/`RateLimit-Policy` headers. A client is its IP address
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
      next(
        new ApiError(429, ApiErrorCode.RateLimited, `too many requests; retry after the window resets`, {
          details: { limit: options.name, ip: req.ip },
          headers: {
            "Retry-After": String(res.getHeader("Retry-After") ?? Math.ceil(options.windowMs / 1000)),
          },
        }),
      );
    },
  });
}
