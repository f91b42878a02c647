import type { RequestHandler } from "express";
import { ApiErrorCode } from "../errors.ts";
import { checkReadiness, type ReadinessCheck } from "../services/checkReadiness.ts";

/**
 * `GET /readyz`: 200 when every dependency of this service answers now (the store, the chain RPC of each
 * anchor target, the broker), else 503 UNAVAILABLE naming the ones that do not, with why. Load balancers
 * send traffic only to a ready instance; an unready one is left running, not restarted.
 * @example app.get("/readyz", getReadyz(() => checks))
 */
export function getReadyz(checks: () => readonly ReadinessCheck[]): RequestHandler {
  return async (_req, res) => {
    const report = await checkReadiness(checks());
    if (report.ready) {
      res.json({ status: "ready", checks: report.checks });
      return;
    }
    const unavailable = Object.entries(report.checks)
      .filter(([, r]) => !r.ok)
      .map(([name]) => name);
    res
      .status(503)
      .set("Retry-After", "5")
      .json({
        error: { code: ApiErrorCode.Unavailable, message: `not reachable: ${unavailable.join(", ")}` },
        unavailable,
        checks: report.checks,
      });
  };
}
