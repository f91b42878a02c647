import { connect } from "node:net";
import { Aedes, type Client } from "aedes";
import pino, { type Logger } from "pino";
import { type Address, nobleVerifier, prepareHashes, type SignatureVerifier } from "#protocol";
import { nativeVerifier, selectNativeBackend } from "#protocol/native";
import { Anchorer, type AnchorerOptions } from "./anchoring/anchorer.ts";
import type { AnchorChain } from "./anchoring/chain.ts";
import { Batcher } from "./batching/batcher.ts";
import { createAuthenticate } from "./broker/authenticate.ts";
import { createAuthorizePublish } from "./broker/authorizePublish.ts";
import { createAuthorizeSubscribe } from "./broker/authorizeSubscribe.ts";
import type { BrokerContext } from "./broker/context.ts";
import { endAfterFlush } from "./broker/endAfterFlush.ts";
import { guardFrames } from "./broker/guardFrames.ts";
import { createPreConnect } from "./broker/preConnect.ts";
import { type MqttListeners, startMqttListeners } from "./broker/startMqttListeners.ts";
import { TokenBuckets } from "./broker/tokenBuckets.ts";
import { UsedTokens } from "./broker/usedTokens.ts";
import { watchClientErrors } from "./broker/watchClientErrors.ts";
import { watchRevocations } from "./broker/watchRevocations.ts";
import { type GatewayConfig, redactGatewayConfig } from "./config.ts";
import { GatewayRefusalCode, Refusal } from "./errors.ts";
import { ExternalConsumer } from "./external/ExternalConsumer.ts";
import { type IngestDeps, readingLimits } from "./ingest/ingestReading.ts";
import { encodeRefusalNotice } from "./ingest/reportRefusal.ts";
import { inlineReadingVerifier, type ReadingVerifier } from "./ingest/verifier.ts";
import { GatewayMetrics } from "./metrics.ts";
import { RefusalLog } from "./refusalLog.ts";
import { Registrar } from "./registrar/Registrar.ts";
import type { RegistryChain } from "./registrar/registryChain.ts";
import { DeviceRegistry } from "./registry/deviceRegistry.ts";
import { RabbitAuthService } from "./scaleout/RabbitAuthService.ts";
import { RabbitConsumer } from "./scaleout/RabbitConsumer.ts";
import type { RegistryOutbox } from "./store/registryOutboxTypes.ts";
import type { AnchorTarget, Store } from "./store/types.ts";
import { AdaptiveVerifier } from "./verifyPool/AdaptiveVerifier.ts";
import { VerifyPool } from "./verifyPool/VerifyPool.ts";

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
  /** Overrides the reading verifier chosen by config (verifier, verifyPoolSize); tests use it. */
  verifier?: ReadingVerifier;
  /**
   * SealtrailDeviceRegistry with the registrar key. Without it the registrar still runs when the store has
   * an outbox: key changes stay pending there and its status says why.
   */
  registryChain?: RegistryChain;
  /** The registrar's pace (config `registry`); defaults otherwise. */
  registrar?: { intervalMs?: number; backoffMs?: number; maxBackoffMs?: number };
  /** The operator's attester key: queued for registration (kind attester) at start, once. */
  attesterKey?: { address: Address; publicKey: Uint8Array };
};

const hasOutbox = (store: Store): store is Store & RegistryOutbox =>
  typeof (store as Partial<RegistryOutbox>).nextRegistryOperation === "function";

/**
 * The gateway: readings come in through an embedded aedes broker (devices connect to it; a frame guard
 * sits in front, hooks authenticate and durably ingest) or, in external mode, from a broker cluster via a
 * shared subscription. Signatures are verified on a worker pool; a batcher seals stored readings into
 * Merkle batches and one anchorer per anchor target anchors them.
 * Nothing happens before `start()`; `close()` stops everything it started (the store is the caller's).
 */
export class Gateway {
  readonly registry: DeviceRegistry;
  readonly metrics = new GatewayMetrics();
  readonly batcher: Batcher;
  readonly anchorers: Anchorer[];
  /** Sends key changes to the registry contract; undefined when the store keeps no outbox. */
  readonly registrar: Registrar | undefined;
  private readonly options: GatewayOptions;
  private readonly logger: Logger;
  private aedes: Aedes | undefined;
  private listeners: MqttListeners | undefined;
  /** Set by close(): readings that arrive from now on are not taken (no PUBACK); those in flight finish. */
  private draining = false;
  private consumer: ExternalConsumer | undefined;
  private rabbit: RabbitConsumer | undefined;
  private rabbitAuth: RabbitAuthService | undefined;
  private pool: VerifyPool | undefined;
  private stopWatchingRevocations: (() => void) | undefined;
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
      // A Merkle root over thousands of ids costs the event loop ~10 µs per leaf; built inline it would
      // hold every PUBACK for that long (100 ms for a 10k batch). Build them on the batcher's worker.
      offThreadFrom: 2048,
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
    const { store } = options;
    this.registrar = hasOutbox(store)
      ? new Registrar({ store, chain: options.registryChain, logger: this.logger, ...options.registrar })
      : undefined;
  }

  /** The anchor targets this gateway writes to. */
  anchorTargets(): AnchorTarget[] {
    return this.anchorers.map((a) => a.target);
  }

  /** The port the MQTT listener is bound to (after start, embedded mode). */
  get mqttPort(): number {
    if (!this.listeners) throw new Error("gateway is not listening");
    return this.listeners.ports.tcp;
  }

  /** Every MQTT listener's port: TCP, and TLS and WebSocket when configured (after start, embedded mode). */
  get mqttPorts(): MqttListeners["ports"] {
    if (!this.listeners) throw new Error("gateway is not listening");
    return this.listeners.ports;
  }

  /**
   * Resolves when devices can reach the broker now: embedded, a TCP connection to our own MQTT listener is
   * accepted (and closed before sending anything); external, the consumer has a live session; rabbitmq,
   * the AMQP session consumes.
   */
  async probeBroker(): Promise<void> {
    if (this.consumer) {
      if (!this.consumer.connected()) throw new Error("not connected to the external broker");
      return;
    }
    if (this.rabbit) {
      if (!this.rabbit.connected()) throw new Error("no AMQP session with a RabbitMQ node");
      return;
    }
    if (!this.listeners || this.draining) throw new Error("the MQTT listener is not accepting connections");
    const host = this.options.config.mqttHost;
    await new Promise<void>((resolve, reject) => {
      const socket = connect({
        host: host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host,
        port: this.mqttPort,
      });
      socket.once("connect", () => {
        socket.destroy();
        resolve();
      });
      socket.once("error", reject);
    });
  }

  get mqttUrl(): string {
    return `mqtt://${this.options.config.mqttHost}:${this.mqttPort}`;
  }

  /** The HTTP auth service RabbitMQ asks about devices (rabbitmq mode with rabbitmqAuthPort ≥ 0, after start). */
  get rabbitAuthUrl(): string | undefined {
    return this.rabbitAuth?.url;
  }

  /** The embedded broker (embedded mode, after start); for embedding and tests. */
  get broker(): Aedes | undefined {
    return this.aedes;
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const { config, store } = this.options;
    await prepareHashes();
    await this.registry.load();
    // CONNECT tokens are verified here on the main thread, with the same libsecp256k1 as the pool.
    const libsecp256k1 = config.verifier === "native" ? selectNativeBackend(config.secp256k1) : undefined;
    this.logger.info({ verifier: config.verifier, libsecp256k1 }, "signature verifier");
    this.metrics.verifierInfo.set(
      {
        verifier: config.verifier,
        libsecp256k1: libsecp256k1 ? `${libsecp256k1.library} ${libsecp256k1.version}` : "none",
      },
      1,
    );
    const syncVerifier: SignatureVerifier = config.verifier === "noble" ? nobleVerifier : nativeVerifier;
    const verifier = this.options.verifier ?? (await this.startVerifier(syncVerifier));
    const ingest: IngestDeps = {
      store,
      registry: this.registry,
      verifier,
      maxFutureSkewMs: config.maxFutureSkewMs,
      depth: this.metrics.depth,
      storeWriteErrors: this.metrics.storeWriteErrors,
    };
    if (config.mode === "external") {
      this.consumer = new ExternalConsumer({
        url: config.externalBrokerUrl,
        clientId: config.externalClientId,
        connections: config.externalConnections,
        shareGroup: config.externalShareGroup,
        username: config.externalUsername,
        password: config.externalPassword,
        maxMessageBytes: config.maxMessageBytes,
        ingest,
        metrics: this.metrics,
        logger: this.logger,
        refusalLog: new RefusalLog(this.logger),
      });
      await this.consumer.start();
    } else if (config.mode === "rabbitmq") {
      await this.startRabbit(ingest, syncVerifier);
    } else {
      await this.startBroker(ingest, syncVerifier);
    }
    this.stopWatchingRevocations = watchRevocations({
      registry: this.registry,
      disconnect: (device) => this.disconnectRevoked(device),
      pollMs: config.revocationPollMs,
      logger: this.logger,
    });
    this.batcher.start();
    for (const a of this.anchorers) a.start();
    if (this.registrar !== undefined && hasOutbox(store)) {
      if (this.options.attesterKey) await store.enqueueAttesterKey(this.options.attesterKey, Date.now());
      this.registrar.start();
    }
    this.logger.info(
      {
        mode: config.mode,
        mqtt: this.listeners ? this.mqttUrl : undefined,
        mqttPorts: this.listeners?.ports,
        targets: this.anchorTargets(),
        config: redactGatewayConfig(config),
      },
      "gateway started",
    );
  }

  /**
   * Stops the gateway gracefully: no new connections; readings that arrive from now on are not taken (their
   * connection is closed without PUBACK, so the device sends them again elsewhere or later); readings
   * already received are stored and acknowledged, waiting up to `drainTimeoutMs` for them; then every
   * session is closed and the batcher, anchorers and verify pool stop. No PUBACK is ever sent for a reading
   * that is not committed (the hook acknowledges only after the commit), however the drain ends.
   */
  async close(options: { drainTimeoutMs?: number } = {}): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.draining = true;
    this.stopWatchingRevocations?.();
    const listenersClosed = this.listeners?.stopAccepting() ?? Promise.resolve();
    const deadline = Date.now() + (options.drainTimeoutMs ?? 0);
    while (this.metrics.depth.inFlight > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    if (this.metrics.depth.inFlight > 0)
      this.logger.warn(
        { inFlight: this.metrics.depth.inFlight },
        "drain timed out; closing sessions with readings in flight",
      );
    await new Promise<void>((resolve) => (this.aedes ? this.aedes.close(() => resolve()) : resolve()));
    await listenersClosed;
    await this.consumer?.close();
    await this.rabbitAuth?.close();
    await this.rabbit?.close();
    await this.batcher.close();
    await Promise.all(this.anchorers.map((a) => a.close()));
    await this.registrar?.close();
    await this.pool?.close();
  }

  private async startVerifier(syncVerifier: SignatureVerifier): Promise<ReadingVerifier> {
    const { config } = this.options;
    if (config.verifyPoolSize === 0)
      return inlineReadingVerifier(syncVerifier, readingLimits(config.maxMessageBytes));
    const pool = new VerifyPool({
      size: config.verifyPoolSize,
      verifier: config.verifier,
      secp256k1: config.secp256k1,
      maxMessageBytes: config.maxMessageBytes,
      batchMax: config.verifyBatchMax,
      gatherMs: config.verifyGatherMs,
      logger: this.logger,
    });
    await pool.start();
    this.pool = pool;
    // noble's ~1 ms checks would stall the event loop: only the native verifier runs inline.
    if (config.verifier !== "native" || config.verifyInlineMaxLoad === 0) {
      this.metrics.verifyPoolStats = () => pool.stats();
      return pool;
    }
    const adaptive = new AdaptiveVerifier(pool, {
      verifier: syncVerifier,
      limits: readingLimits(config.maxMessageBytes),
      maxLoad: config.verifyInlineMaxLoad,
    });
    this.metrics.verifyPoolStats = () => adaptive.stats();
    return adaptive;
  }

  /**
   * RabbitMQ mode: the consumer first — it declares the readings topology — then the auth service, so no
   * device is let in before its readings have a queue to go to (declareReadingsTopology.ts says why).
   */
  private async startRabbit(ingest: IngestDeps, tokenVerifier: SignatureVerifier): Promise<void> {
    const { config } = this.options;
    const refusalLog = new RefusalLog(this.logger);
    this.rabbit = new RabbitConsumer({
      urls: config.rabbitmqUrls,
      queues: config.rabbitmqQueues,
      prefetch: config.rabbitmqPrefetch,
      singleActiveConsumer: config.rabbitmqConsumers === "single-active",
      maxMessageBytes: config.maxMessageBytes,
      ingest,
      metrics: this.metrics,
      logger: this.logger,
      refusalLog,
    });
    await this.rabbit.start();
    if (config.rabbitmqAuthPort < 0) return;
    this.rabbitAuth = new RabbitAuthService({
      host: config.rabbitmqAuthHost,
      port: config.rabbitmqAuthPort,
      vhost: config.rabbitmqVhost,
      registry: this.registry,
      tokens: new UsedTokens(),
      verifier: tokenVerifier,
      tokenMaxSkewSeconds: config.tokenMaxSkewSeconds,
      now: Date.now,
      metrics: this.metrics,
      logger: this.logger,
      refusalLog,
    });
    await this.rabbitAuth.start();
  }

  private async startBroker(ingest: IngestDeps, tokenVerifier: SignatureVerifier): Promise<void> {
    const { config } = this.options;
    const ctx: BrokerContext = {
      config,
      registry: this.registry,
      ingest,
      metrics: this.metrics,
      logger: this.logger,
      refusalLog: new RefusalLog(this.logger),
      tokens: new UsedTokens(),
      tokenVerifier,
      deviceRate: new TokenBuckets({
        ratePerSecond: config.deviceRatePerSecond,
        burst: config.deviceRateBurst,
      }),
      connectRate: new TokenBuckets({
        ratePerSecond: config.connectRatePerIpPerSecond,
        burst: config.connectBurstPerIp,
      }),
      now: Date.now,
      broker: () => this.aedes!,
      draining: () => this.draining,
    };
    this.aedes = await Aedes.createBroker({
      preConnect: createPreConnect(ctx),
      authenticate: createAuthenticate(ctx),
      authorizePublish: createAuthorizePublish(ctx),
      authorizeSubscribe: createAuthorizeSubscribe(ctx),
      maxClientsIdLength: 42,
      maxTopicLevels: config.maxTopicLevels,
      connectTimeout: config.connectTimeoutMs,
    });
    const aedes = this.aedes;
    aedes.on("clientReady", () => this.metrics.connectedDevices.inc());
    aedes.on("clientDisconnect", () => this.metrics.connectedDevices.dec());
    watchClientErrors(aedes, ctx);
    const maxRemainingLength = config.maxMessageBytes + config.packetOverheadBytes;
    this.listeners = await startMqttListeners(config, (stream) =>
      aedes.handle(
        guardFrames(stream, {
          maxRemainingLength,
          onRefused: (refusal, connection) => {
            this.metrics.refused.inc({ reason: refusal.code });
            ctx.refusalLog.warn(
              refusal.code,
              { device: connection.device ?? null, ip: connection.remoteAddress, detail: refusal.detail },
              "connection closed by the frame guard",
            );
          },
        }),
      ),
    );
  }

  /** Tells a revoked device why, then closes its session. */
  private disconnectRevoked(device: Address): void {
    const aedes = this.aedes;
    const client = (aedes as unknown as { clients?: Record<string, Client> } | undefined)?.clients?.[device];
    if (!aedes || !client) return;
    const refusal = new Refusal(GatewayRefusalCode.RevokedDevice, "device key is revoked");
    aedes.publish(
      {
        cmd: "publish",
        topic: `devices/${device}/errors`,
        payload: encodeRefusalNotice(null, refusal),
        qos: 0,
        retain: false,
        dup: false,
      },
      // The notice is written before the close and the close is graceful, as for every refusal.
      () => endAfterFlush(client, () => client.close()),
    );
  }
}
