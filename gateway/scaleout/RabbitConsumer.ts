import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from "amqplib";
import type { Logger } from "pino";
import { redactUrl } from "#config";
import type { Address } from "#protocol";
import { GatewayRefusalCode, Refusal } from "../errors.ts";
import { type IngestDeps, ingestReading } from "../ingest/ingestReading.ts";
import { encodeRefusalNotice, recordRefusal, refusedMessageId } from "../ingest/reportRefusal.ts";
import type { GatewayMetrics } from "../metrics.ts";
import type { RefusalLog } from "../refusalLog.ts";
import { declareReadingsTopology, readingsQueue } from "./declareReadingsTopology.ts";
import { ScaleoutError, ScaleoutErrorCode } from "./errors.ts";
import { errorsRoutingKey, MQTT_EXCHANGE } from "./rabbitPermissions.ts";

export type RabbitConsumerOptions = {
  /** AMQP URLs of the cluster's nodes, tried in turn. */
  urls: readonly string[];
  queues: number;
  /** Unacknowledged deliveries per queue (basic.qos per consumer). */
  prefetch: number;
  singleActiveConsumer: boolean;
  maxMessageBytes: number;
  ingest: IngestDeps;
  metrics: GatewayMetrics;
  logger: Logger;
  refusalLog: RefusalLog;
  /** start() fails if no node accepts the connection and topology by then, ms. */
  startTimeoutMs?: number;
  /** Wait before the next connection attempt after a failure, ms. */
  retryDelayMs?: number;
};

const READINGS_KEY = /^devices\.(0x[0-9a-f]{40})\.readings$/;

/** One AMQP connection and its channel; deliveries remember which one brought them. */
type Session = { connection: ChannelModel; channel: Channel; url: string; live: boolean };

/**
 * RabbitMQ scale-out mode: the gateway consumes the readings that devices publish to RabbitMQ's MQTT
 * plugin from the quorum queues of declareReadingsTopology.ts, over AMQP, and acknowledges each delivery
 * only after ingestReading has committed it (DESIGN invariant 1: until the ack, the queue keeps the
 * reading, replicated on a majority of nodes). Several gateways compete on the same queues.
 *
 * - A gateway that dies (kill -9) loses its connection; RabbitMQ returns its unacknowledged deliveries to
 *   the queues and another gateway takes them. A reading it had stored but not yet acknowledged comes
 *   back as a duplicate, which the shared store recognises by message id and does not store twice.
 * - A broker node that dies takes this gateway's connection with it: the gateway reconnects to the next
 *   node of `urls` and consumes again (the quorum queues elect new leaders on the surviving majority).
 * - A storage failure drops the connection too, so that RabbitMQ redelivers everything unacknowledged
 *   rather than the gateway retrying one reading out of order.
 * - A refused reading is acknowledged (redelivering the same bytes would only be refused again), counted,
 *   logged, and its notice published to the device's errors topic through `amq.topic`.
 *
 * One device's readings arrive on one queue in order. Within this gateway they are ingested one after
 * the other per device (other devices' readings in parallel), so a device's readings are committed in
 * the order RabbitMQ delivered them; across gateways that holds only with `singleActiveConsumer`.
 */
export class RabbitConsumer {
  private readonly options: RabbitConsumerOptions;
  private session: Session | undefined;
  /** The last ingest started per device: the next one of that device waits for it. */
  private readonly tails = new Map<Address, Promise<void>>();
  private nextUrl = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: RabbitConsumerOptions) {
    this.options = options;
  }

  /** Connects to the first node that answers, declares the topology and consumes every queue. */
  async start(): Promise<void> {
    const { startTimeoutMs = 30_000, retryDelayMs = 500 } = this.options;
    const deadline = Date.now() + startTimeoutMs;
    let lastError: unknown;
    while (!this.closed && Date.now() < deadline) {
      try {
        await this.connect();
        return;
      } catch (error) {
        lastError = error;
        await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
      }
    }
    throw new ScaleoutError(ScaleoutErrorCode.Unreachable, "no RabbitMQ node accepted the gateway in time", {
      details: { urls: this.options.urls.map(redactUrl), timeoutMs: startTimeoutMs },
      cause: lastError,
    });
  }

  /** True while the AMQP session consumes (readiness). */
  connected(): boolean {
    return this.session?.live === true;
  }

  /** Closes the connection: RabbitMQ returns every delivery not yet acknowledged to its queue. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    const session = this.session;
    this.session = undefined;
    if (session) {
      session.live = false;
      await session.connection.close().catch(() => {});
    }
  }

  /** One attempt at the next URL: connection, topology, consumers. */
  private async connect(): Promise<void> {
    const o = this.options;
    const url = o.urls[this.nextUrl++ % o.urls.length]!;
    const connection = await amqp.connect(url);
    let session: Session | undefined;
    try {
      const channel = await connection.createChannel();
      session = { connection, channel, url, live: true };
      const current = session;
      // Either closing means this session is over: deliveries it brought can no longer be acknowledged.
      const lost = (why: string, error?: Error) => this.lost(current, why, error);
      connection.on("error", (error: Error) =>
        o.logger.warn({ err: error.message }, "RabbitMQ connection error"),
      );
      connection.on("close", (error?: Error) => lost("connection closed", error));
      channel.on("error", (error: Error) => o.logger.warn({ err: error.message }, "RabbitMQ channel error"));
      channel.on("close", () => lost("channel closed"));
      await declareReadingsTopology(channel, {
        queues: o.queues,
        singleActiveConsumer: o.singleActiveConsumer,
      });
      for (let k = 0; k < o.queues; k++) {
        // Per consumer (global = false): each queue gets its own window of unacknowledged deliveries.
        await channel.prefetch(o.prefetch, false);
        // A null delivery is RabbitMQ cancelling the consumer (its queue deleted): start over.
        await channel.consume(
          readingsQueue(k),
          (message) => (message ? this.handle(current, message) : lost("consumer cancelled by RabbitMQ")),
          { noAck: false },
        );
      }
    } catch (error) {
      if (session) session.live = false;
      await connection.close().catch(() => {});
      throw new ScaleoutError(
        ScaleoutErrorCode.Topology,
        "could not declare or consume the readings queues",
        {
          details: { url: redactUrl(url) },
          cause: error,
        },
      );
    }
    if (this.closed) {
      session.live = false;
      await connection.close().catch(() => {});
      return;
    }
    this.session = session;
    o.logger.info(
      { url: redactUrl(url), queues: o.queues, prefetch: o.prefetch },
      "consuming RabbitMQ readings queues",
    );
  }

  private lost(session: Session, why: string, error?: Error): void {
    if (!session.live) return;
    session.live = false;
    session.connection.close().catch(() => {});
    if (this.closed) return;
    this.options.logger.warn(
      { url: redactUrl(session.url), why, err: error?.message },
      "RabbitMQ session lost; reconnecting",
    );
    if (this.session === session) this.session = undefined;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect().catch((error: unknown) => {
        this.options.logger.warn({ err: String(error) }, "RabbitMQ reconnect failed; trying the next node");
        this.scheduleReconnect();
      });
    }, this.options.retryDelayMs ?? 500);
  }

  private handle(session: Session, message: ConsumeMessage): void {
    const o = this.options;
    const match = READINGS_KEY.exec(message.fields.routingKey);
    if (!match) {
      // Only `devices.*.readings` is bound to the readings exchange; anything else is not ours to store.
      const refusal = new Refusal(
        GatewayRefusalCode.NotAuthorizedTopic,
        "not a devices.{address}.readings routing key",
      );
      recordRefusal(o, message.fields.routingKey.slice(0, 80), refusal, null);
      this.ack(session, message);
      return;
    }
    const device = match[1] as Address;
    const previous = this.tails.get(device) ?? Promise.resolve();
    const done = previous.then(() => this.ingest(session, device, message));
    this.tails.set(device, done);
    void done.then(() => {
      if (this.tails.get(device) === done) this.tails.delete(device);
    });
  }

  /** Ingests one delivery and settles it; never rejects (the per-device chain must go on). */
  private async ingest(session: Session, device: Address, message: ConsumeMessage): Promise<void> {
    const o = this.options;
    // Delivered on a session that has since been lost: RabbitMQ has already put it back in the queue.
    if (!session.live) return;
    const depth = o.metrics.depth;
    const started = performance.now();
    depth.inFlight++;
    try {
      const result = await ingestReading(o.ingest, device, message.content);
      if (result.status === "inserted") o.metrics.accepted.inc();
      else o.metrics.duplicates.inc();
      o.metrics.pubackLatency.observe((performance.now() - started) / 1000);
      this.ack(session, message);
    } catch (error) {
      if (error instanceof Refusal) {
        const messageId = refusedMessageId(message.content, o.maxMessageBytes);
        recordRefusal(o, device, error, messageId);
        this.notify(session, device, encodeRefusalNotice(messageId, error));
        this.ack(session, message);
        return;
      }
      // Not stored: no ack. Dropping the session makes RabbitMQ redeliver all we hold, in queue order.
      o.logger.error({ device, err: error }, "ingest failed; reconnecting so RabbitMQ redelivers");
      this.lost(session, "ingest failed");
    } finally {
      depth.inFlight--;
    }
  }

  private ack(session: Session, message: ConsumeMessage): void {
    if (!session.live) return; // requeued by RabbitMQ already; an ack now would name another delivery
    try {
      session.channel.ack(message);
    } catch (error) {
      this.lost(session, "ack failed", error instanceof Error ? error : undefined);
    }
  }

  /** The refusal notice, to the device's errors topic (its MQTT subscription is bound on amq.topic). */
  private notify(session: Session, device: Address, body: Buffer): void {
    if (!session.live) return;
    try {
      session.channel.publish(MQTT_EXCHANGE, errorsRoutingKey(device), body);
    } catch (error) {
      this.options.logger.warn({ device, err: String(error) }, "refusal notice not published");
    }
  }
}
