import type { RequestHandler } from "express";
import helmet from "helmet";

/**
 * The Content-Security-Policy of every response that does not set its own: JSON and files are never
 * documents that run scripts, load resources or sit in a frame. A route that serves a document (the
 * product page) sets its own policy with `res.setHeader("Content-Security-Policy", …)`, which replaces this
 * one for that response only.
 */
export const DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * Security headers on every response (helmet): the strict default CSP above, nosniff, no framing, no
 * referrer, HSTS (browsers heed it only over HTTPS, i.e. behind a TLS proxy), and `Cache-Control: no-store`
 * (answers change as batches are anchored).
 *
 * Cross-Origin-Resource-Policy is `cross-origin`, not helmet's `same-origin`: everything served is public and
 * meant to be used from elsewhere (a QR code image on a shop page, a proof bundle fetched by an auditor's
 * page); the CSP, not CORP, is what keeps our own documents safe.
 * @example app.use(securityHeaders())
 */
export function securityHeaders(): RequestHandler {
  const headers = helmet({
    contentSecurityPolicy: false,
    crossOriginResourcePolicy: { policy: "cross-origin" },
    referrerPolicy: { policy: "no-referrer" },
  });
  return (req, res, next) => {
    res.setHeader("Content-Security-Policy", DEFAULT_CSP);
    res.setHeader("Cache-Control", "no-store");
    headers(req, res, next);
  };
}
