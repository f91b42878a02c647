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
  publicBaseUrl: setting(
    z
      .string()
      .regex(
        /^https?:\/\/[^/?#\s]+(?:\/[^?#\s]*[^/?#\s])?$/i,
        "an http(s) URL without query, fragment or trailing slash",
      )
      .optional(),
    "The URL at which people reach this API from outside (scheme, host, any path a proxy adds): QR codes, labels and the resolver's links are written under it; when unset, each answer uses the scheme and host of its own request",
    { env: "SEALTRAIL_PUBLIC_BASE_URL" },
  ),
  resolverPathPrefix: setting(
    z
      .string()
      .regex(/^(?:\/[A-Za-z0-9._~-]+)*$/, "empty, or /segment[/segment…] without a trailing slash")
      .default(""),
    "Path before the GS1 primary key of the resolver's Digital Link routes (e.g. /id for https://example.com/id/01/…); empty serves them at the root",
    { env: "SEALTRAIL_RESOLVER_PATH_PREFIX" },
  ),
});

export type ApiSection = z.infer<typeof apiSection>;
