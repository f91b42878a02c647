export { accessLog } from "./accessLog.ts";
export { errorHandler } from "./errorHandler.ts";
export { limitBody } from "./limitBody.ts";
export { methodNotAllowed } from "./methodNotAllowed.ts";
export {
  CAPTURE_PATHS,
  mountRequestLimits,
  PUBLIC_PATHS,
  publicPaths,
  type RateLimits,
  RESOLVER_KEY_PATHS,
} from "./mountRequestLimits.ts";
export { notFound } from "./notFound.ts";
export { type RateLimitOptions, rateLimit } from "./rateLimit.ts";
export { MIN_ADMIN_TOKEN_LENGTH, requireAdminToken } from "./requireAdminToken.ts";
export { requireJsonBody } from "./requireJsonBody.ts";
export { DEFAULT_CSP, securityHeaders } from "./securityHeaders.ts";
