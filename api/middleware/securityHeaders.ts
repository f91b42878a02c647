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
 *
 * `noDefaultCspUnder`: path prefixes whose answers get no default CSP, for the product page's assets. A
 * dedicated Web Worker runs under the CSP of its own script's response, and the page's worker reads chain
 * RPC endpoints the user may choose on the page: `default-src 'none'` there would forbid every one of
 * them. The page's document carries its own policy, which decides which scripts and workers load at all.
 * @example app.use(securityHeaders({ noDefaultCspUnder: ["/page/assets/"] }))
 */
export function securityHeaders(options: { noDefaultCspUnder?: readonly string[] } = {}): RequestHandler {
  const exempt = options.noDefaultCspUnder ?? [];
  const headers = helmet({
    contentSecurityPolicy: false,
    crossOriginResourcePolicy: { policy: "cross-origin" },
    referrerPolicy: { policy: "no-referrer" },
  });
  return (req, res, next) => {
    if (!exempt.some((prefix) => req.path.startsWith(prefix)))
      res.setHeader("Content-Security-Policy", DEFAULT_CSP);
    res.setHeader("Cache-Control", "no-store");
    headers(req, res, next);
  };
}
