import { parseTrustProxy, type RateLimits } from "#api";
import type { ApiSection } from "#config";

/**
 * The API's request policy from the api section: trust proxy and the per-client rate limits. The service
 * and the demo both pass it to startApi, so a limit configured for one holds for the other.
 * @example await startApi({ ...deps, ...apiHttpOptions(config.api), port: config.api.port })
 */
export function apiHttpOptions(api: ApiSection): {
  trustProxy: boolean | number | string;
  rateLimits: RateLimits;
} {
  return {
    trustProxy: parseTrustProxy(api.trustProxy),
    rateLimits: {
      windowMs: api.rateLimitWindowMs,
      public: api.publicRateLimit,
      capture: api.captureRateLimit,
    },
  };
}
