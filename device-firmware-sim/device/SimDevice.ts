import { EventEmitter } from "node:events";
import pino, { type Logger } from "pino";
import { type DeviceIdentity, invariant, signConnectToken } from "#protocol";
import type { DeviceClient } from "../clients/deviceClient.ts";
import { isSimError, SimErrorCode } from "../errors.ts";
import type { SensorSuite } from "../sensors/createSensorSuite.ts";
import { abortableSleep } from "./abortableSleep.ts";
import { type BackoffPolicy, backoffDelayMs, DEFAULT_BACKOFF } from "./backoff.ts";
import { decodeRefusal, type GatewayRefusal, HALTING_REFUSALS, RETRYABLE_REFUSALS } from "./decodeRefusal.ts";
import { type DeviceState, saveDeviceState } from "./deviceState.ts";
import type { DeviceStats } from "./deviceStats.ts";
import { nextTokenIat } from "./nextTokenIat.ts";
import type { Outbox } from "./Outbox.ts";
import { openDeviceStorage } from "./openDeviceStorage.ts";
import { PublishWindow } from "./PublishWindow.ts";
import { recordReading } from "./recordReading.ts";
import { startDriftFreeTimer } from "./startDriftFreeTimer.ts";

export type SimDeviceOptions = {
  identity: DeviceIdentity;
  label: string;
  /** The device's own directory: state file and outbox (the key file is the caller's, see loadOrCreateDeviceKey). */
  dir: string;
  mqttUrl: string;
  /** The MQTT client; the device connects it again after every disconnect. */
  client: DeviceClient;
  /** Where the readings come from. */
  sensors: SensorSuite;
  /** Milliseconds between readings. */
  periodMs: number;
  /** Offset of the device clock from true time, ms (added to every `ts` and CONNECT `iat`). */
  clockSkewMs?: number;
  /** Most readings kept while the gateway is unreachable; sampling pauses beyond (default 10 000). */
  maxBuffered?: number;
  /** Most PUBLISHes awaiting their PUBACK at once (default 8). */
  maxInflight?: number;
  backoff?: BackoffPolicy;
  keepaliveS?: number;
  connectTimeoutMs?: number;
  /** Source of jitter for reconnect delays (default Math.random). */
  random?: () => number;
  logger?: Logger;
};

export type SimDeviceEvents = {
  /** The gateway refused something (errors topic) or refused the CONNECT. */
  refusal: [GatewayRefusal];
  /** The outbox became empty: everything signed so far is acknowledged. */
  drained: [];
  /** A local failure (disk) stopped the device's sampling. */
  failure: [Error];
};

/**
 * One simulated device behaving as firmware should:
 * - every reading is signed with the next seq and the previous message's id as `prev`, written to the
 *   on-disk outbox and the state file (both fsynced) BEFORE it is published, so a crash can neither reuse
 *   a seq (equivocation) nor lose a signed reading;
 * - readings are published with QoS 1, oldest first, at most `maxInflight` awaiting PUBACK, and leave the
 *   outbox only once acknowledged (= durable at the gateway); during an outage they accumulate up to
 *   `maxBuffered`, then sampling pauses rather than create a gap in the chain;
 * - on reconnect (exponential backoff with jitter, a fresh CONNECT token whose iat beats the last one)
 *   everything unacknowledged is resent in order, byte-identical, with DUP set;
 * - it subscribes to its errors topic, logs each refusal, counts it by code, and never resends bytes the
 *   gateway refused for good.
 * `start()` begins sampling and connecting; `close()` stops both and leaves the outbox on disk.
 */
export class SimDevice extends EventEmitter<SimDeviceEvents> {
  readonly identity: DeviceIdentity;
  readonly label: string;
  private readonly options: SimDeviceOptions;
  private readonly client: DeviceClient;
  private readonly logger: Logger;
  private readonly errorsTopic: string;
  private state: DeviceState | undefined;
  private outbox: Outbox | undefined;
  private window: PublishWindow | undefined;
  private clockSkewMs: number;
  private started = false;
  private closing = false;
  private halted = false;
  private online = false;
  private offlineUntil = 0;
  private sampler: { stop(): void } | undefined;
  /** Disk work (readings, state) runs one operation at a time, in order. */
  private diskQueue: Promise<void> = Promise.resolve();
  private connectionLoop: Promise<void> = Promise.resolve();
  private readonly lifetime = new AbortController();
  private readonly counters = {
    produced: 0,
    skipped: 0,
    refused: {} as Record<string, number>,
    connects: 0,
    connectFailures: 0,
  };

  constructor(options: SimDeviceOptions) {
    super();
    this.options = options;
    this.identity = options.identity;
    this.label = options.label;
    this.client = options.client;
    this.logger = (options.logger ?? pino({ level: "silent" })).child({
      device: options.identity.address,
      label: options.label,
    });
    this.errorsTopic = `devices/${options.identity.address}/errors`;
    this.clockSkewMs = options.clockSkewMs ?? 0;
  }

  get address(): string {
    return this.identity.address;
  }

  /** Loads the state and the outbox, then starts sampling and connecting. */
  async start(): Promise<void> {
    invariant(!this.started, "device already started");
    this.started = true;
    const { state, outbox } = await openDeviceStorage(this.options.dir, this.options.maxBuffered ?? 10_000);
    this.state = state;
    this.outbox = outbox;
    this.window = new PublishWindow({
      client: this.client,
      outbox,
      topic: `devices/${this.identity.address}/readings`,
      maxInflight: this.options.maxInflight ?? 8,
      onAcknowledged: () => {
        if (outbox.size === 0) this.emit("drained");
      },
    });
    this.client.on("message", (topic, payload) => this.onMessage(topic, payload));
    this.sampler = startDriftFreeTimer(this.options.periodMs, () => {
      const m = this.options.sensors.next();
      void this.onDisk(() => this.record(m));
    });
    this.connectionLoop = this.runConnection();
  }

  /** Stops taking readings (the end of a run) but keeps delivering what is buffered. */
  stopSampling(): void {
    this.sampler?.stop();
  }

  /** Drops the network for `ms` (a tunnel, a dead cell): readings keep being taken and buffered. */
  goOffline(ms: number): void {
    this.offlineUntil = Math.max(this.offlineUntil, Date.now() + ms);
    this.logger.info({ ms }, "network down");
    if (this.online) void this.client.close();
  }

  /** Changes the device clock's offset from true time, ms. */
  setClockSkew(ms: number): void {
    this.clockSkewMs = ms;
  }

  /** Resolves once every reading taken so far is signed, stored and acknowledged. */
  async drained(): Promise<void> {
    for (;;) {
      const disk = this.diskQueue;
      await disk;
      if ((this.outbox?.size ?? 0) === 0) {
        if (disk === this.diskQueue) return;
        continue; // a reading was queued meanwhile
      }
      await new Promise<void>((resolve) => this.once("drained", () => resolve()));
    }
  }

  stats(): DeviceStats {
    return {
      label: this.label,
      address: this.identity.address,
      role: "device",
      produced: this.counters.produced,
      sent: this.window?.sent ?? 0,
      resent: this.window?.resent ?? 0,
      acknowledged: this.window?.acknowledged ?? 0,
      buffered: this.outbox?.size ?? 0,
      skipped: this.counters.skipped,
      refused: { ...this.counters.refused },
      connects: this.counters.connects,
      connectFailures: this.counters.connectFailures,
      online: this.online,
      halted: this.halted,
    };
  }

  /** Stops sampling, disconnects (DISCONNECT) and waits for pending disk writes; the outbox stays on disk. */
  async close(): Promise<void> {
    if (!this.started || this.closing) return;
    this.closing = true;
    this.stopSampling();
    this.lifetime.abort();
    await this.client.close();
    await this.connectionLoop;
    await this.diskQueue;
  }

  // --- readings -------------------------------------------------------------------------------------

  private async record(m: Record<string, number>): Promise<void> {
    const outbox = this.outbox!;
    if (outbox.full) {
      if (this.counters.skipped === 0)
        this.logger.warn({ buffered: outbox.size }, "outbox full: pausing readings");
      this.counters.skipped++;
      return;
    }
    const { state } = await recordReading({
      identity: this.identity,
      dir: this.options.dir,
      outbox,
      state: this.state!,
      ts: Date.now() + this.clockSkewMs,
      m,
    });
    this.state = state;
    this.counters.produced++;
    this.window!.pump();
  }

  /** Queues disk work behind the previous one; the returned promise settles when it is done (or failed). */
  private onDisk(work: () => Promise<void>): Promise<void> {
    const job = this.diskQueue.then(work).catch((error: unknown) => {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.logger.error({ err: failure }, "local storage failed: sampling stopped");
      this.stopSampling();
      this.emit("failure", failure);
    });
    this.diskQueue = job;
    return job;
  }

  // --- connection -----------------------------------------------------------------------------------

  private async runConnection(): Promise<void> {
    let attempt = 0;
    while (!this.closing) {
      const offlineMs = this.offlineUntil - Date.now();
      if (offlineMs > 0) {
        await abortableSleep(offlineMs, this.lifetime.signal);
        continue;
      }
      const refusalsBefore = this.refusalCount();
      const session = await this.connectOnce();
      if (session) {
        await session.closed;
        this.online = false;
        this.window!.disconnected();
        this.logger.info("disconnected");
        // A session the gateway ended with a refusal does not reset the backoff: a device whose clock is
        // wrong retries ever more slowly instead of hammering the gateway.
        if (this.refusalCount() === refusalsBefore) attempt = 0;
        if (this.offlineUntil > Date.now()) continue;
      }
      if (this.closing || this.halted) break;
      await abortableSleep(
        backoffDelayMs(
          attempt++,
          this.options.backoff ?? DEFAULT_BACKOFF,
          this.options.random ?? Math.random,
        ),
        this.lifetime.signal,
      );
    }
  }

  /** One CONNECT; on success resolves to the session (whose `closed` settles at the disconnect), else undefined. */
  private async connectOnce(): Promise<{ closed: Promise<void> } | undefined> {
    const iat = nextTokenIat(Date.now() + this.clockSkewMs, this.state!.lastIat);
    // The iat is durable before it is used: after a reboot the next token must still be newer.
    await this.onDisk(async () => {
      this.state = { ...this.state!, lastIat: iat };
      await saveDeviceState(this.options.dir, this.state);
    });
    if (this.closing) return undefined;
    let onClose: () => void = () => {};
    const closed = new Promise<void>((resolve) => {
      onClose = resolve;
    });
    this.client.once("close", onClose);
    try {
      await this.client.connect({
        url: this.options.mqttUrl,
        clientId: this.identity.address,
        username: this.identity.address,
        password: signConnectToken(this.identity, iat),
        keepaliveS: this.options.keepaliveS ?? 30,
        connectTimeoutMs: this.options.connectTimeoutMs ?? 5000,
      });
    } catch (error) {
      this.client.off("close", onClose);
      this.counters.connectFailures++;
      if (isSimError(error, SimErrorCode.ConnectRefused)) {
        const code = `CONNECT_REFUSED_${String(error.details.returnCode)}`;
        this.countRefusal({ id: null, code, detail: error.shortMessage });
      } else {
        this.logger.debug({ err: error }, "connect failed");
      }
      return undefined;
    }
    this.counters.connects++;
    if (this.closing || this.offlineUntil > Date.now()) {
      await this.client.close();
      return { closed };
    }
    try {
      // Subscribe before publishing anything, so no refusal can go unheard.
      await this.client.subscribe(this.errorsTopic);
    } catch (error) {
      this.logger.warn({ err: error }, "could not subscribe to the errors topic");
      await this.client.close();
      return { closed };
    }
    this.logger.info({ buffered: this.outbox!.size }, "connected");
    this.online = true;
    this.window!.connected();
    return { closed };
  }

  private onMessage(topic: string, payload: Uint8Array): void {
    if (topic !== this.errorsTopic) return;
    const refusal = decodeRefusal(payload);
    if (!refusal) {
      this.logger.warn({ bytes: payload.length }, "unreadable message on the errors topic");
      return;
    }
    this.countRefusal(refusal);
    const entry = refusal.id === null ? undefined : this.outbox?.findById(refusal.id);
    if (entry && !RETRYABLE_REFUSALS.has(refusal.code)) {
      // The same bytes will always be refused: drop them from the queue (kept aside in refused/ for the
      // operator) and move on; the seq gap shows that something went wrong, which is the truth.
      this.outbox!.quarantine(entry.seq).catch((error: unknown) =>
        this.logger.warn({ err: error }, "could not quarantine a refused entry"),
      );
      if (this.outbox!.size === 0) this.emit("drained");
    }
    if (HALTING_REFUSALS.has(refusal.code)) this.halt(refusal);
  }

  /**
   * Equivocation means the device's state was lost or rolled back: trying other seqs would only dig the
   * hole deeper, so it stops publishing and sampling until an operator looks (docs/protocol.md §11).
   */
  private halt(refusal: GatewayRefusal): void {
    if (this.halted) return;
    this.halted = true;
    this.logger.error(
      { reason: refusal.code },
      "halted: the device's chain state is inconsistent with the gateway's",
    );
    this.stopSampling();
    void this.client.close();
  }

  private refusalCount(): number {
    return Object.values(this.counters.refused).reduce((a, b) => a + b, 0);
  }

  private countRefusal(refusal: GatewayRefusal): void {
    this.counters.refused[refusal.code] = (this.counters.refused[refusal.code] ?? 0) + 1;
    this.logger.warn(
      { reason: refusal.code, detail: refusal.detail, messageId: refusal.id },
      "gateway refused",
    );
    this.emit("refusal", refusal);
  }
}
