import type { IncomingMessage, ServerResponse } from "node:http";
import type {
  AnchorTarget,
  DeviceRegistry,
  EventStore,
  RegistrarStatus,
  RegistryOutbox,
  Store,
} from "#gateway";
import type { DeviceIdentity } from "#protocol";
import type { TemperatureProfile } from "#provenance";
import type { RateLimits } from "./middleware/mountRequestLimits.ts";
import type { ReadinessCheck } from "./services/checkReadiness.ts";

type LogFn = (objOrMsg: object | string, msg?: string) => void;

/** The subset of a pino logger the API uses; pass `pino()` or a child of it. */
export type ApiLogger = { info: LogFn; warn: LogFn; error: LogFn };

/** What the HTTP API needs from the rest of the gateway. */
export type ApiDeps = {
  /**
   * Readings and events (organisations, capture jobs) and the registry outbox in one store: SqliteStore
   * implements all three.
   */
  store: Store & EventStore & RegistryOutbox;
  /**
   * The operator's attester key: it signs the events an organisation (or the admin) captures as plain EPCIS.
   * Without it only organisation-signed envelopes can be captured. Never logged.
   */
  attester?: DeviceIdentity;
  registry: DeviceRegistry;
  /** The registrar sending key changes to the registry contract (`gateway.registrar`): /status reports it. */
  registrar?: { status(): Promise<RegistrarStatus> };
  /** Bearer token for admin routes (device registration). Never logged. */
  adminToken: string;
  /** The configured anchor targets (a function: they may change when a chain is reset). */
  anchorTargets: () => AnchorTarget[];
  /** False until the gateway has finished starting (store open, registry loaded, chains reachable). */
  isReady: () => boolean;
  /** Confirmations after which the anchorer marks an anchor final; reported by /status only. */
  finalityDepth?: number;
  /**
   * The cold-chain profile of every GTIN without its own and when no default is stored (PUT
   * /profiles/default); DEFAULT_TEMPERATURE_PROFILE (2–8 °C, 30 min at once, 60 min in all) when absent.
   */
  defaultTemperatureProfile?: TemperatureProfile;
  /**
   * GS1 Company Prefixes this repository knows (config api.gs1CompanyPrefixes): the query answers a Digital
   * Link as an EPC URN (GS1-EPC-Format: Always_EPC_URN) only when one of them starts its key. None by default.
   */
  gs1CompanyPrefixes?: readonly string[];
  /** A sensor's readings further apart than this leave the time between unwatched (default 5 min). */
  provenanceMaxSilenceMs?: number;
  /**
   * The GS1 Digital Link resolver: `publicBaseUrl` is where people reach this app from outside (QR codes and
   * absolute links are written under it; absent, each answer uses its own request's scheme and host);
   * `pathPrefix` is the path before the primary key (`/id` serves `/id/01/…`; default: the root).
   */
  resolver?: { publicBaseUrl?: string; pathPrefix?: string };
  /** Defaults to a silent logger. */
  logger?: ApiLogger;
  /** The standalone verifier served under /tools; defaults to dist/sealtrail-verify.mjs of this checkout. */
  verifierToolPath?: string;
  /**
   * Express's `trust proxy` (false, true, a hop count, or addresses/subnets such as "loopback, 10.0.0.0/8"):
   * behind a reverse proxy, which X-Forwarded-For hop is the client that rate limits count. Default false.
   */
  trustProxy?: boolean | number | string;
  /** Per-client rate limits of public and capture routes (429 with Retry-After); none when absent. */
  rateLimits?: RateLimits;
  /** What `GET /readyz` probes; the store alone when absent. */
  readinessChecks?: () => readonly ReadinessCheck[];
  /** The product page: the chain RPC endpoints it reads anchors from, and where its built assets are. */
  productPage?: { rpcEndpoints?: readonly string[]; assetsDir?: string };
  /** Serves `GET /metrics` (Prometheus text format) when given, e.g. `metricsHandler(gateway.metrics)`. */
  metrics?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
};

/** A logger that drops everything. */
export const silentLogger: ApiLogger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
