import type { CliIo } from "../io.ts";
import { runService } from "../services/runService.ts";
import { startApiService } from "../services/startApiService.ts";

const HELP = `usage: sealtrail api [--config <file>]

Runs the HTTP API as a service (SEALTRAIL_HTTP_HOST:SEALTRAIL_HTTP_PORT): the v1 API, the EPCIS 2.0
interface and the product page, over the store of SEALTRAIL_DATA_DIR (the gateway's), with the anchor
targets of SEALTRAIL_ANCHOR_TARGETS. Public and capture routes are rate limited per client
(SEALTRAIL_HTTP_PUBLIC_RATE_LIMIT, SEALTRAIL_HTTP_CAPTURE_RATE_LIMIT); behind a reverse proxy set
SEALTRAIL_HTTP_TRUST_PROXY. /healthz and /readyz (store, chain) are for the load balancer.

SIGTERM or SIGINT stops it gracefully (in-flight requests get SEALTRAIL_HTTP_CLOSE_TIMEOUT_MS); exit 0.
Every key: docs/configuration.md.
`;

/** `sealtrail api`: the API service until SIGTERM. */
export function run(argv: string[], io: CliIo): Promise<number> {
  return runService(argv, io, { name: "api", help: HELP, start: startApiService });
}
