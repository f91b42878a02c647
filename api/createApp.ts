import express, { type Express } from "express";
import { validateArgument } from "#protocol";
import {
  accessLog,
  errorHandler,
  methodNotAllowed,
  mountRequestLimits,
  notFound,
  requireAdminToken,
  requireJsonBody,
  securityHeaders,
} from "./middleware/index.ts";
import { mountProductPage, PAGE_ASSET_BASE } from "./page/index.ts";
import { epcisRouter } from "./routes/epcis/index.ts";
import { mountEvidence } from "./routes/evidence/index.ts";
import { getEventProof } from "./routes/getEventProof.ts";
import {
  getDevice,
  getHealthz,
  getOpenApiDocument,
  getReading,
  getReadingProof,
  getReadyz,
  getStatus,
  getVerifierTool,
  listDeviceReadings,
  listDevices,
  listReadings,
  registerDevice,
  revokeDevice,
  rotateDevice,
} from "./routes/index.ts";
import {
  addOrganisationKey,
  createCredential,
  createOrganisation,
  getOrganisation,
  listOrganisations,
  revokeOrganisationKey,
  rotateOrganisationKey,
} from "./routes/organisations/index.ts";
import { getProvenance, getTemperatureProfile, putTemperatureProfile } from "./routes/provenance/index.ts";
import { mountResolver as mountResolverRoutes } from "./routes/resolver/index.ts";
import { postSensorSummaries } from "./routes/units/index.ts";
import { BatchTreeCache } from "./services/batchTreeCache.ts";
import type { ReadinessCheck } from "./services/checkReadiness.ts";
import { type ApiDeps, type ApiLogger, silentLogger } from "./types.ts";

/** Mount point of the v1 API. */
export const API_PREFIX = "/api/v1";
/** Largest JSON body accepted; a registration is ~200 bytes. */
export const MAX_JSON_BODY_BYTES = 16 * 1024;

/**
 * The HTTP API as an Express app, not listening (see `startApi`). Every error is JSON
 * `{ "error": { "code", "message" } }`. Throws INVALID_ARGUMENT for an unusable admin token.
 * @example const app = createApp({ store, registry, adminToken, anchorTargets: () => targets, isReady: () => true })
 */
export function createApp(deps: ApiDeps): Express {
  const logger = deps.logger ?? silentLogger;
  const app = express();
  app.disable("x-powered-by");
  if (deps.trustProxy !== undefined) app.set("trust proxy", deps.trustProxy);
  app.use(securityHeaders({ noDefaultCspUnder: [PAGE_ASSET_BASE] }));
  app.use(accessLog(logger));
  // Probes come before the limits: a load balancer polling /readyz is never rate limited.
  app.get("/healthz", getHealthz());
  app.get("/readyz", getReadyz(deps.readinessChecks ?? (() => [storeCheck(deps)])));
  mountRequestLimits(app, deps.rateLimits, deps.resolver?.pathPrefix);

  const api = express.Router();
  api
    .route("/status")
    .get(getStatus(deps))
    .all(methodNotAllowed(["GET", "HEAD"]));
  api
    .route("/openapi.json")
    .get(getOpenApiDocument())
    .all(methodNotAllowed(["GET", "HEAD"]));
  api
    .route("/devices")
    .post(
      requireAdminToken(deps.adminToken),
      requireJsonBody,
      express.json({ limit: MAX_JSON_BODY_BYTES, strict: true }),
      registerDevice(deps, logger),
    )
    .get(listDevices(deps))
    .all(methodNotAllowed(["GET", "HEAD", "POST"]));
  api
    .route("/devices/:address")
    .get(getDevice(deps))
    .all(methodNotAllowed(["GET", "HEAD"]));
  api
    .route("/devices/:address/readings")
    .get(listDeviceReadings(deps))
    .all(methodNotAllowed(["GET", "HEAD"]));
  api
    .route("/devices/:address/revoke")
    .post(requireAdminToken(deps.adminToken), revokeDevice(deps, logger))
    .all(methodNotAllowed(["POST"]));
  api
    .route("/devices/:address/rotate")
    .post(
      requireAdminToken(deps.adminToken),
      requireJsonBody,
      express.json({ limit: MAX_JSON_BODY_BYTES, strict: true }),
      rotateDevice(deps, logger),
    )
    .all(methodNotAllowed(["POST"]));
  api
    .route("/readings")
    .get(listReadings(deps))
    .all(methodNotAllowed(["GET", "HEAD"]));
  api
    .route("/readings/:messageId")
    .get(getReading(deps))
    .all(methodNotAllowed(["GET", "HEAD"]));
  api
    .route("/readings/:messageId/proof")
    .get(getReadingProof(deps, new BatchTreeCache()))
    .all(methodNotAllowed(["GET", "HEAD"]));
  api
    .route("/tools/sealtrail-verify.mjs")
    .get(getVerifierTool(deps, "file"))
    .all(methodNotAllowed(["GET", "HEAD"]));
  api
    .route("/tools/sealtrail-verify.mjs.sha256")
    .get(getVerifierTool(deps, "sha256"))
    .all(methodNotAllowed(["GET", "HEAD"]));
  mountTraceability(api, deps, logger);
  mountProvenance(api, deps, logger);
  mountEvidence(api, deps);
  app.use(API_PREFIX, api);
  app.use("/epcis", epcisRouter(deps, logger));
  if (deps.metrics) app.get("/metrics", deps.metrics);
  mountProductPage(app, deps, API_PREFIX);
  mountResolver(app, deps);

  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}

/** The store answers an indexed lookup (of a message id nobody can have). */
function storeCheck(deps: ApiDeps): ReadinessCheck {
  return { name: "store", probe: async () => void (await deps.store.getMessage(`0x${"00".repeat(32)}`)) };
}

/**
 * The GS1 Digital Link resolver (item paths and their QR codes) under the configured path prefix, and its
 * description file at the root. Throws INVALID_ARGUMENT for a path prefix that is not `/segment…`.
 */
function mountResolver(app: Express, deps: ApiDeps): void {
  const pathPrefix = deps.resolver?.pathPrefix ?? "";
  validateArgument(
    /^(?:\/[A-Za-z0-9._~-]+)*$/.test(pathPrefix),
    "resolver.pathPrefix is empty or /segment[/segment…] without a trailing slash",
  );
  const publicBaseUrl = deps.resolver?.publicBaseUrl;
  validateArgument(
    publicBaseUrl === undefined || /^https?:\/\/[^/?#\s]+(?:\/[^?#\s]*[^/?#\s])?$/i.test(publicBaseUrl),
    "resolver.publicBaseUrl is an http(s) URL without query, fragment or trailing slash",
  );
  mountResolverRoutes(app, deps, { publicBaseUrl, pathPrefix });
}

/** Organisations (admin) and event proofs, under the v1 prefix. */
function mountTraceability(api: express.Router, deps: ApiDeps, logger: ApiLogger): void {
  const admin = requireAdminToken(deps.adminToken);
  const json = [requireJsonBody, express.json({ limit: MAX_JSON_BODY_BYTES, strict: true })];
  api
    .route("/organisations")
    .post(admin, ...json, createOrganisation(deps, logger))
    .get(listOrganisations(deps))
    .all(methodNotAllowed(["GET", "HEAD", "POST"]));
  api
    .route("/organisations/:id")
    .get(getOrganisation(deps))
    .all(methodNotAllowed(["GET", "HEAD"]));
  api
    .route("/organisations/:id/keys")
    .post(admin, ...json, addOrganisationKey(deps, logger))
    .all(methodNotAllowed(["POST"]));
  api
    .route("/organisations/:id/keys/:address/revoke")
    .post(admin, revokeOrganisationKey(deps, logger))
    .all(methodNotAllowed(["POST"]));
  api
    .route("/organisations/:id/keys/:address/rotate")
    .post(admin, ...json, rotateOrganisationKey(deps, logger))
    .all(methodNotAllowed(["POST"]));
  api
    .route("/organisations/:id/credentials")
    .post(admin, ...json, createCredential(deps, logger))
    .all(methodNotAllowed(["POST"]));
  api
    .route("/events/:key/proof")
    .get(getEventProof(deps, new BatchTreeCache()))
    .all(methodNotAllowed(["GET", "HEAD"]));
}

/** Provenance (open), temperature profiles and sensor summaries (admin writes), under the v1 prefix. */
function mountProvenance(api: express.Router, deps: ApiDeps, logger: ApiLogger): void {
  api
    .route("/provenance")
    .get(getProvenance(deps))
    .all(methodNotAllowed(["GET", "HEAD"]));
  api
    .route("/provenance/01/:gtin/21/:serial")
    .get(getProvenance(deps))
    .all(methodNotAllowed(["GET", "HEAD"]));
  api
    .route("/profiles/:gtin")
    .put(
      requireAdminToken(deps.adminToken),
      requireJsonBody,
      express.json({ limit: MAX_JSON_BODY_BYTES, strict: true }),
      putTemperatureProfile(deps, logger),
    )
    .get(getTemperatureProfile(deps))
    .all(methodNotAllowed(["GET", "HEAD", "PUT"]));
  api
    .route("/units/:unit/sensor-summaries")
    .post(requireAdminToken(deps.adminToken), postSensorSummaries(deps, logger))
    .all(methodNotAllowed(["POST"]));
}
