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
});

export type ApiSection = z.infer<typeof apiSection>;
