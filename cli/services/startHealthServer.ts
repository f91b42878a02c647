import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { getHealthz, getReadyz, type ReadinessCheck, securityHeaders } from "#api";
import { type GatewayMetrics, metricsHandler } from "#gateway";

export type HealthServer = { url: string; close(): Promise<void> };

/**
 * The gateway's own small HTTP listener: /healthz, /readyz (store, chain, broker) and /metrics for
 * Prometheus. Separate from the API, which may run elsewhere or not at all.
 * @example const h = await startHealthServer({ host, port: 9464, checks, metrics: gateway.metrics })
 */
export async function startHealthServer(o: {
  host: string;
  port: number;
  checks: readonly ReadinessCheck[];
  metrics: GatewayMetrics;
}): Promise<HealthServer> {
  const app = express();
  app.disable("x-powered-by");
  app.use(securityHeaders());
  app.get("/healthz", getHealthz());
  app.get(
    "/readyz",
    getReadyz(() => o.checks),
  );
  app.get("/metrics", metricsHandler(o.metrics));
  app.use((_req, res) => {
    res.status(404).json({ error: { code: "NOT_FOUND", message: "no such route" } });
  });
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${o.host.includes(":") ? `[${o.host}]` : o.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
