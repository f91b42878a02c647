import { z } from "zod";
import { setting } from "../setting.ts";

/** A week: longer tolerances are typing mistakes, as `PUT /profiles/{gtin}` says too. */
const MAX_TOLERANCE_MS = 7 * 24 * 3_600_000;
const tolerance = z.number().int().min(0).max(MAX_TOLERANCE_MS);

/**
 * The cold-chain profile of every GTIN without its own while no default is stored (`PUT /profiles/default`
 * wins over it), held to the rules of `PUT /profiles/{gtin}`: a range with min below max, whole-ms
 * tolerances of at most a week, the single excursion no longer than the cumulative one.
 */
export const temperatureProfileSchema = z
  .strictObject({
    name: z.string().min(1).max(100),
    minC: z.number().min(-273.15).max(1000),
    maxC: z.number().min(-273.15).max(1000),
    maxSingleExcursionMs: tolerance,
    maxCumulativeExcursionMs: tolerance,
  })
  .refine((p) => p.minC < p.maxC, { message: "minC must be below maxC", path: ["minC"] })
  .refine((p) => p.maxSingleExcursionMs <= p.maxCumulativeExcursionMs, {
    message: "maxSingleExcursionMs must not exceed maxCumulativeExcursionMs",
    path: ["maxSingleExcursionMs"],
  });

/**
 * GS1 Company Prefixes: 6 to 12 digits each, at most 10,000, none the start of another — GS1 allocates
 * them so, which is what lets a key's digits name exactly one prefix (and so where its EPC URN splits).
 */
export const companyPrefixesSchema = z
  .array(z.string().regex(/^[0-9]{6,12}$/, "a GS1 Company Prefix is 6 to 12 digits"))
  .max(10_000)
  .superRefine((prefixes, ctx) => {
    const sorted = [...new Set(prefixes)].sort();
    for (let i = 1; i < sorted.length; i++)
      if (sorted[i]!.startsWith(sorted[i - 1]!))
        ctx.addIssue({
          code: "custom",
          message: `${sorted[i - 1]} is the start of ${sorted[i]}: GS1 Company Prefixes never overlap`,
        });
  });

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
  defaultTemperatureProfile: setting(
    temperatureProfileSchema.default({
      name: "2–8 °C",
      minC: 2,
      maxC: 8,
      maxSingleExcursionMs: 1_800_000,
      maxCumulativeExcursionMs: 3_600_000,
    }),
    "Cold-chain profile of every GTIN without its own while none is stored with PUT /profiles/default: JSON {name, minC, maxC (°C, min below max), maxSingleExcursionMs, maxCumulativeExcursionMs (whole ms up to a week, single at most cumulative)}",
    { env: "SEALTRAIL_DEFAULT_TEMPERATURE_PROFILE", format: "json" },
  ),
  gs1CompanyPrefixes: setting(
    companyPrefixesSchema.default([]),
    "GS1 Company Prefixes this repository knows (JSON list of 6–12-digit strings, none the start of another): an identifier captured as a GS1 Digital Link is answered as an EPC URN (GS1-EPC-Format: Always_EPC_URN) only when its key starts with one of them, since the URN splits the key where the prefix ends; the demo knows GS1's example prefix 4012345",
    { env: "SEALTRAIL_GS1_COMPANY_PREFIXES", format: "json", demo: ["4012345"] },
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
