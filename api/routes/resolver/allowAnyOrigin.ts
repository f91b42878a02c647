import type { RequestHandler } from "express";
import { methodNotAllowed } from "../../middleware/methodNotAllowed.ts";

/** Methods of every resolver path: it is read-only. */
export const RESOLVER_METHODS = ["GET", "HEAD", "OPTIONS"] as const;

/**
 * CORS for the resolver: public and read-only, so any origin may read it (a GS1-Conformant resolver
 * SHALL support CORS). Link, Location and ETag are exposed: a script needs them to follow the links.
 * @example router.route(path).get(allowAnyOrigin, handler)
 */
export const allowAnyOrigin: RequestHandler = (_req, res, next) => {
  res.set({
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Link, Location, ETag",
  });
  next();
};

const notAllowed = methodNotAllowed(RESOLVER_METHODS);

/**
 * The rest of a resolver path's methods: OPTIONS answers 204 with Allow and the CORS preflight headers
 * (no credentials are ever needed); anything else 405.
 * @example router.route(path).get(allowAnyOrigin, handler).all(allowAnyOrigin, optionsOrNotAllowed)
 */
export const optionsOrNotAllowed: RequestHandler = (req, res, next) => {
  if (req.method !== "OPTIONS") {
    notAllowed(req, res, next);
    return;
  }
  res
    .status(204)
    .set({
      Allow: RESOLVER_METHODS.join(", "),
      "Access-Control-Allow-Methods": RESOLVER_METHODS.join(", "),
      "Access-Control-Allow-Headers": "Accept, Accept-Language, If-None-Match",
      "Access-Control-Max-Age": "86400",
    })
    .end();
};
