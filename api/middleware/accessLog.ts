import type { RequestHandler } from "express";
import type { ApiLogger } from "../types.ts";

/**
 * One log line per request: method, path, status and duration. Deliberately no headers or query string:
 * they may carry the admin token.
 * @example app.use(accessLog(logger))
 */
export function accessLog(logger: ApiLogger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        {
          method: req.method,
          path: req.originalUrl.split("?")[0]?.slice(0, 200),
          status: res.statusCode,
          ms,
        },
        "request",
      );
    });
    next();
  };
}
