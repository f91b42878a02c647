import type { Aedes } from "aedes";
import type { Logger } from "pino";
import type { GatewayConfig } from "../config.ts";
import type { IngestDeps } from "../ingest/ingestReading.ts";
import type { GatewayMetrics } from "../metrics.ts";
import type { DeviceRegistry } from "../registry/deviceRegistry.ts";
import type { UsedTokens } from "./usedTokens.ts";

/** What the broker hooks share. */
export type BrokerContext = {
  config: GatewayConfig;
  registry: DeviceRegistry;
  ingest: IngestDeps;
  metrics: GatewayMetrics;
  logger: Logger;
  tokens: UsedTokens;
  now: () => number;
  broker: () => Aedes;
};
