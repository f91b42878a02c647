import type { IncomingMessage, ServerResponse } from "node:http";
import type { GatewayMetrics } from "./metrics.ts";

/**
 * An HTTP handler serving the gateway's metrics in the Prometheus text format; mount it at `/metrics`
 * (works as a plain `node:http` handler and as an Express route handler).
 * @example app.get("/metrics", metricsHandler(gateway.metrics))
 */
export function metricsHandler(
  metrics: GatewayMetrics,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (_req, res) => {
    try {
      const body = await metrics.registry.metrics();
      res.writeHead(200, { "content-type": metrics.registry.contentType });
      res.end(body);
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(`metrics collection failed: ${String(error)}`);
    }
  };
}
