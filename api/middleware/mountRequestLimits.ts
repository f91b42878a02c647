import type { Express, RequestHandler } from "express";
import { allowAnyOrigin } from "../routes/resolver/allowAnyOrigin.ts";
import { limitBody } from "./limitBody.ts";
import { rateLimit } from "./rateLimit.ts";

/** Per-client request rates of the API; each counted per client IP over `windowMs`. */
export type RateLimits = {
  windowMs: number;
  /** Public reads anyone may make by scanning a label: provenance, resolver, evidence, page assets. 0: unlimited. */
  public: number;
  /** EPCIS capture (POST /epcis/capture, POST /epcis/events): authenticated, but each is costly. 0: unlimited. */
  capture: number;
};

/** The GS1 Digital Link resolver's primary keys (GTIN, SSCC, GLN, GIAI), served under its path prefix. */
export const RESOLVER_KEY_PATHS = ["/01", "/00", "/414", "/8004"] as const;

/**
 * The public routes: a label's QR code leads anyone here, so these answer strangers. The resolver's item
 * paths (and their QR images), provenance, evidence packages, the product page's assets, the resolver's
 * description. A route added under another prefix is limited only once it is listed here.
 */
export const PUBLIC_PATHS = [
  ...RESOLVER_KEY_PATHS,
  "/api/v1/provenance",
  "/api/v1/evidence",
  "/page/assets",
  "/.well-known/gs1resolver",
] as const;

/** The public paths with the resolver's keys under its path prefix ("" or "/segment…"). */
export function publicPaths(resolverPathPrefix = ""): string[] {
  return PUBLIC_PATHS.map((p) =>
    (RESOLVER_KEY_PATHS as readonly string[]).includes(p) ? `${resolverPathPrefix}${p}` : p,
  );
}

/** The public paths the GS1 Digital Link resolver serves: its keys under its prefix, its description. */
export function resolverPaths(resolverPathPrefix = ""): string[] {
  return [...RESOLVER_KEY_PATHS.map((p) => `${resolverPathPrefix}${p}`), "/.well-known/gs1resolver"];
}

/** Routes that take EPCIS documents (POST only: their GETs are the query interface). */
export const CAPTURE_PATHS = ["/epcis/capture", "/epcis/events"] as const;

/** The API's JSON bodies (registrations, keys, profiles) are ~200 bytes; 16 KiB leaves room. */
const API_BODY_BYTES = 16 * 1024;

/**
 * Mounts the request limits ahead of every route: the rate limits (when given) and a body limit per route
 * group checked on the declared length before anything reads the body: public reads take none, the
 * API's JSON routes 16 KiB. EPCIS capture keeps its own (the capture file size limit, answered as an EPCIS
 * problem document by its router).
 * @example mountRequestLimits(app, { windowMs: 60_000, public: 600, capture: 120 }, "/id")
 */
export function mountRequestLimits(
  app: Express,
  limits: RateLimits | undefined,
  resolverPathPrefix = "",
): void {
  const open = publicPaths(resolverPathPrefix);
  app.use(open, limitBody(0));
  app.use("/api/v1", limitBody(API_BODY_BYTES));
  if (!limits) return;
  // The resolver answers its refusals as problem documents, so its 429 is one too. req.baseUrl is the
  // listed path the limiter was reached through, as the client spelled it (Express matches any case).
  const resolver = new Set(resolverPaths(resolverPathPrefix).map((p) => p.toLowerCase()));
  if (limits.public > 0) {
    // Its CORS headers come first, so that a script of any origin can read the refusal too.
    app.use(resolverPaths(resolverPathPrefix), allowAnyOrigin);
    app.use(
      open,
      rateLimit({
        name: "public",
        limit: limits.public,
        windowMs: limits.windowMs,
        answersProblems: (req) => resolver.has(req.baseUrl.toLowerCase()),
      }),
    );
  }
  if (limits.capture === 0) return;
  // Capture is EPCIS only, whose every refusal is a problem document.
  const capture = rateLimit({
    name: "capture",
    limit: limits.capture,
    windowMs: limits.windowMs,
    answersProblems: () => true,
  });
  const postOnly: RequestHandler = (req, res, next) =>
    req.method === "POST" ? capture(req, res, next) : next();
  app.use([...CAPTURE_PATHS], postOnly);
}
