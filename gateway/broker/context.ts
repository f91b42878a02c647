import type { Aedes } from "aedes";
import type { Logger } from "pino";
import type { SignatureVerifier } from "#protocol";
import type { GatewayConfig } from "../config.ts";
import type { IngestDeps } from "../ingest/ingestReading.ts";
import type { GatewayMetrics } from "../metrics.ts";
import type { RefusalLog } from "../refusalLog.ts";
import type { DeviceRegistry } from "../registry/deviceRegistry.ts";
import type { TokenBuckets } from "./tokenBuckets.ts";
import type { UsedTokens } from "./usedTokens.ts";

/** What the broker hooks share. */
export type BrokerContext = {
  config: GatewayConfig;
  registry: DeviceRegistry;
  ingest: IngestDeps;
  metrics: GatewayMetrics;
  logger: Logger;
  /** Refusal log lines, limited per reason. */
  refusalLog: RefusalLog;
  tokens: UsedTokens;
  /** Checks CONNECT tokens on the main thread (a CONNECT is rare next to readings). */
  tokenVerifier: SignatureVerifier;
  /** Per-device reading rate. */
  deviceRate: TokenBuckets;
  /** Per-IP CONNECT rate. */
  connectRate: TokenBuckets;
  now: () => number;
  broker: () => Aedes;
  /** True once the gateway is stopping: new readings are not taken. */
  draining: () => boolean;
};
