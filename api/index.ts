// Public API of api/: the HTTP API of the gateway.
export { API_PREFIX, createApp, MAX_JSON_BODY_BYTES } from "./createApp.ts";
export { ApiError, ApiErrorCode, isApiError } from "./errors.ts";
export { parseTrustProxy } from "./http/parseTrustProxy.ts";
export {
  CAPTURE_PATHS,
  DEFAULT_CSP,
  MIN_ADMIN_TOKEN_LENGTH,
  PUBLIC_PATHS,
  type RateLimits,
  securityHeaders,
} from "./middleware/index.ts";
export { loadOpenApiDocument, OPENAPI_DOCUMENT_URL, type OpenApiDocument } from "./openapi/index.ts";
export { getHealthz, getReadyz } from "./routes/index.ts";
export {
  checkReadiness,
  READINESS_PROBE_TIMEOUT_MS,
  type ReadinessCheck,
  type ReadinessReport,
} from "./services/checkReadiness.ts";
export {
  BatchTreeCache,
  type BuildProofBundleContext,
  buildBatchTree,
  buildProofBundle,
  type DeviceJson,
  deviceToJson,
  resolveAnchors,
  summarizeAnchorStatus,
} from "./services/index.ts";
export { type RunningApi, type StartApiOptions, startApi } from "./startApi.ts";
export { type ApiDeps, type ApiLogger, silentLogger } from "./types.ts";
