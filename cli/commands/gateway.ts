import type { CliIo } from "../io.ts";
import { runService } from "../services/runService.ts";
import { startGatewayService } from "../services/startGatewayService.ts";

const HELP = `usage: sealtrail gateway [--config <file>]

Runs the gateway as a service: the MQTT broker (TCP; TLS and WebSocket when configured) or the external
broker's consumer, signature verification, the durable store of SEALTRAIL_DATA_DIR, batching, and one
anchorer per target of SEALTRAIL_ANCHOR_TARGETS (contracts deployed beforehand: 'sealtrail deploy'),
signing with SEALTRAIL_ANCHORER_KEY. Its HTTP listener (SEALTRAIL_GATEWAY_HTTP_PORT, default 9464) serves
/healthz, /readyz (store, chain, broker) and /metrics.

SIGTERM or SIGINT stops it gracefully: no new connections or readings; readings already received are
stored and acknowledged (up to SEALTRAIL_DRAIN_TIMEOUT_MS); exit 0. Every key: docs/configuration.md.
`;

/** `sealtrail gateway`: the gateway service until SIGTERM. */
export function run(argv: string[], io: CliIo): Promise<number> {
  return runService(argv, io, { name: "gateway", help: HELP, start: startGatewayService });
}
