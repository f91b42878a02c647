import type { RequestHandler } from "express";

/**
 * `GET /healthz`: 200 as long as the process answers HTTP at all (liveness). It checks nothing else on
 * purpose: an orchestrator restarts a service whose liveness fails, and an unreachable chain or broker is
 * not cured by a restart (that is /readyz).
 * @example app.get("/healthz", getHealthz())
 */
export function getHealthz(): RequestHandler {
  return (_req, res) => {
    res.json({ status: "alive" });
  };
}
