import { z } from "zod";
import { setting } from "../setting.ts";

/** The HTTP API and scan page. */
export const apiSection = z.strictObject({
  host: setting(
    z.string().min(1).default("127.0.0.1"),
    "Interface the API binds (the demo: SEALTRAIL_HOST unless this is set); exposing it is an explicit decision",
    { env: "SEALTRAIL_HTTP_HOST", demoText: "SEALTRAIL_HOST" },
  ),
  port: setting(z.coerce.number().int().min(0).max(65535).default(8080), "API port; 0 picks a free one", {
    env: "SEALTRAIL_HTTP_PORT",
  }),
  adminToken: setting(
    z.string().min(16).optional(),
    "Bearer token of the admin routes (device registration, revocation); the demo generates one when unset, prints it once and keeps it in <dataDir>/admin-token (mode 0600)",
    { env: "SEALTRAIL_ADMIN_TOKEN", secret: "value" },
  ),
  closeTimeoutMs: setting(
    z.coerce.number().int().min(0).default(5_000),
    "On stop, how long in-flight requests may finish before their connections are cut, ms",
    { env: "SEALTRAIL_HTTP_CLOSE_TIMEOUT_MS" },
  ),
  trustProxy: setting(
    z.string().default("false"),
    "Express's trust proxy behind a reverse proxy: false (use the socket's peer), true (the left-most X-Forwarded-For), a hop count, or addresses/subnets of the proxies, e.g. \"loopback, 10.0.0.0/8\"; the client it yields is what rate limits count",
    { env: "SEALTRAIL_HTTP_TRUST_PROXY" },
  ),
  rateLimitWindowMs: setting(
    z.coerce.number().int().min(1000).default(60_000),
    "Rate limit window, ms: each client's requests are counted per window",
    { env: "SEALTRAIL_HTTP_RATE_WINDOW_MS" },
  ),
  publicRateLimit: setting(
    z.coerce.number().int().min(0).default(600),
    "Requests per window one client may make to the public routes (resolver /01 /00 /414 /8004, provenance, evidence, page assets, QR images); 0 turns rate limits off; counted in this process's memory, so N instances allow N times as much",
    { env: "SEALTRAIL_HTTP_PUBLIC_RATE_LIMIT" },
  ),
  captureRateLimit: setting(
    z.coerce.number().int().min(0).default(120),
    "EPCIS capture requests (POST /epcis/capture, POST /epcis/events) per window one client may make; 0: unlimited",
    { env: "SEALTRAIL_HTTP_CAPTURE_RATE_LIMIT" },
  ),
});

export type ApiSection = z.infer<typeof apiSection>;
