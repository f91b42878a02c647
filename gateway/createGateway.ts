import { once } from "node:events";
import { type AddressInfo, createServer, type Server } from "node:net";
import { Aedes } from "aedes";
import pino, { type Logger } from "pino";
import { nativeVerifier } from "#protocol/native";
import { Anchorer, type AnchorerOptions } from "./anchoring/anchorer.ts";
import type { AnchorChain } from "./anchoring/chain.ts";
import { Batcher } from "./batching/batcher.ts";
import { createAuthenticate } from "./broker/authenticate.ts";
import { createAuthorizePublish } from "./broker/authorizePublish.ts";
import { createAuthorizeSubscribe } from "./broker/authorizeSubscribe.ts";
import type { BrokerContext } from "./broker/context.ts";
import { UsedTokens } from "./broker/usedTokens.ts";
import type { GatewayConfig } from "./config.ts";
import { type AsyncSignatureVerifier, inlineVerifier } from "./ingest/ingestReading.ts";
import { GatewayMetrics } from "./metrics.ts";
import { DeviceRegistry } from "./registry/deviceRegistry.ts";
import type { AnchorTarget, Store } from "./store/types.ts";

export type AnchoringOptions = Partial<
  Pick<
    AnchorerOptions,
    "finalityDepth" | "fees" | "stuckAfterMs" | "onGenesisChange" | "intervalMs" | "maxRootsPerTx" | "faults"
  >
>;

/** Production-minded defaults: 10 confirmations, 2 gwei cap, replace after 3 min, halt on a new genesis. */
export const DEFAULT_ANCHORING = {
  finalityDepth: 10,
  fees: { maxFeePerGasCap: 2_000_000_000n, bumpPercent: 25 },
  stuckAfterMs: 180_000,
  onGenesisChange: "halt",
} as const satisfies AnchoringOptions;

export type GatewayOptions = {
  config: GatewayConfig;
  store: Store;
  /** Anchor targets; each gets its own anchorer. */
  anchorChains: AnchorChain[];
  /** How anchors are sent and followed (shared by every target). */
  anchoring?: AnchoringOptions;
  logger?: Logger;
  verifier?: AsyncSignatureVerifier;
};

/**
 * The gateway: an embedded aedes broker whose hooks authenticate devices and durably ingest readings,
 * a batcher sealing them into Merkle batches, and one anchorer per anchor target.
 * Nothing happens before `start()`; `close()` stops everything it started (the store is the caller's).
 */
export class Gateway {
  readonly registry: DeviceRegistry;
  readonly metrics = new GatewayMetrics();
  readonly batcher: Batcher;
  readonly anchorers: Anchorer[];
  private readonly options: GatewayOptions;
  private readonly logger: Logger;
  private aedes: Aedes | undefined;
  private server: Server | undefined;
  private started = false;

  constructor(options: GatewayOptions) {
    this.options = options;
    this.logger = options.logger ?? pino({ level: "silent" });
    this.registry = new DeviceRegistry(options.store);
    this.batcher = new Batcher({
      store: options.store,
      maxSize: options.config.batchMaxSize,
      maxAgeMs: options.config.batchMaxAgeMs,
      logger: this.logger,
      metrics: this.metrics,
    });
    this.anchorers = options.anchorChains.map(
      (chain) =>
        new Anchorer({
          store: options.store,
          chain,
          logger: this.logger,
          metrics: this.metrics,
          ...DEFAULT_ANCHORING,
          ...options.anchoring,
        }),
    );
  }

  /** The anchor targets this gateway writes to. */
  anchorTargets(): AnchorTarget[] {
    return this.anchorers.map((a) => a.target);
  }

  /** The port the MQTT listener is bound to (after start). */
  get mqttPort(): number {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error("gateway is not listening");
    return address.port;
  }

  get mqttUrl(): string {
    return `mqtt://${this.options.config.mqttHost}:${this.mqttPort}`;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const { config, store } = this.options;
    await this.registry.load();
    const ctx: BrokerContext = {
      config,
      registry: this.registry,
      ingest: {
        store,
        registry: this.registry,
        verifier: this.options.verifier ?? inlineVerifier(nativeVerifier),
        maxMessageBytes: config.maxMessageBytes,
        maxFutureSkewMs: config.maxFutureSkewMs,
      },
      metrics: this.metrics,
      logger: this.logger,
      tokens: new UsedTokens(),
      now: Date.now,
      broker: () => this.aedes!,
    };
    this.aedes = await Aedes.createBroker({
      authenticate: createAuthenticate(ctx, nativeVerifier),
      authorizePublish: createAuthorizePublish(ctx),
      authorizeSubscribe: createAuthorizeSubscribe(ctx),
      maxClientsIdLength: 42,
      maxTopicLevels: 8,
    });
    const aedes = this.aedes;
    aedes.on("clientReady", () => this.metrics.connectedDevices.inc());
    aedes.on("clientDisconnect", () => this.metrics.connectedDevices.dec());
    this.registry.on("revoked", (device) => {
      // A revoked key loses its live session at once.
      const client = (aedes as unknown as { clients: Record<string, { close(): void }> }).clients[
        device.address
      ];
      client?.close();
    });
    this.server = createServer(aedes.handle);
    this.server.listen(config.mqttPort, config.mqttHost);
    await once(this.server, "listening");
    this.batcher.start();
    for (const a of this.anchorers) a.start();
    this.logger.info({ mqtt: this.mqttUrl, targets: this.anchorTargets() }, "gateway started");
  }

  async close(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (this.aedes ? this.aedes.close(() => resolve()) : resolve()));
    await this.batcher.close();
    await Promise.all(this.anchorers.map((a) => a.close()));
  }
}
