import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import type { Logger } from "pino";
import { type Address, SealtrailError } from "#protocol";
import { GatewayRefusalCode, Refusal, type RefusalCode } from "../errors.ts";
import { type IngestDeps, ingestReading } from "../ingest/ingestReading.ts";
import { encodeRefusalNotice, recordRefusal, refusedMessageId } from "../ingest/reportRefusal.ts";
import type { GatewayMetrics } from "../metrics.ts";
import type { RefusalLog } from "../refusalLog.ts";

export type ExternalConsumerOptions = {
  /** The broker, e.g. mqtt://broker:1883. */
  url: string;
  /** Fixed client id prefix of this gateway; session k is `{clientId}-{k}`. */
  clientId: string;
  /** Consumer sessions (each handles one reading at a time). */
  connections: number;
  /** Shared subscription group. */
  shareGroup: string;
  username?: string;
  password?: string;
  /** How long a session survives a disconnect on the broker, seconds (MQTT 5 Session Expiry Interval). */
  sessionExpirySeconds?: number;
  /** start() fails if the sessions are not all subscribed by then, ms. */
  startTimeoutMs?: number;
  maxMessageBytes: number;
  ingest: IngestDeps;
  metrics: GatewayMetrics;
  logger: Logger;
  refusalLog: RefusalLog;
};

const READINGS_TOPIC = /^devices\/(0x[0-9a-f]{40})\/readings$/;

// MQTT 5 PUBACK reason codes (§3.4.2.1). A refused reading is still acknowledged — with a failure code —
// because redelivering the same bytes would only be refused again.
const SUCCESS = 0x00;
const UNSPECIFIED_ERROR = 0x80;
const NOT_AUTHORIZED = 0x87;
const PAYLOAD_FORMAT_INVALID = 0x99;

const NOT_AUTHORIZED_CODES: ReadonlySet<RefusalCode> = new Set<RefusalCode>([
  "KID_MISMATCH",
  "BAD_SIGNATURE",
  GatewayRefusalCode.UnknownDevice,
  GatewayRefusalCode.RevokedDevice,
  GatewayRefusalCode.NotAuthorizedTopic,
]);
const FORMAT_CODES: ReadonlySet<RefusalCode> = new Set<RefusalCode>([
  "TOO_LARGE",
  "MALFORMED_CBOR",
  "UNSUPPORTED_CBOR",
  "MALFORMED_COSE",
  "UNSUPPORTED_ALG",
  "HIGH_S",
  "MALFORMED_SIGNATURE",
  "INVALID_PAYLOAD",
  "UNSUPPORTED_VERSION",
]);

function pubackCode(code: RefusalCode): number {
  if (NOT_AUTHORIZED_CODES.has(code)) return NOT_AUTHORIZED;
  if (FORMAT_CODES.has(code)) return PAYLOAD_FORMAT_INVALID;
  return UNSPECIFIED_ERROR;
}

/**
 * External broker mode: the gateway is a client of a broker cluster (Mosquitto, EMQX, HiveMQ) that
 * devices connect to. It holds `connections` persistent MQTT 5 sessions (Clean Start 0, fixed client
 * ids) in the shared subscription `$share/{group}/devices/+/readings` at QoS 1, and acknowledges each
 * reading to the broker only after its durable write, via mqtt.js `customHandleAcks` (DESIGN invariant 1).
 * mqtt.js hands a session one message at a time, so the sessions are the ingest concurrency.
 *
 * Until the PUBACK the broker owns the message: if this gateway dies, the broker redelivers it to the
 * same session when the gateway comes back with the same client ids (a stored-but-unacknowledged reading
 * comes back as a duplicate and is acknowledged without a second copy). If storage fails, the session is
 * dropped and reconnects, which makes the broker redeliver.
 *
 * Device authentication and topic ACLs are the broker's job in this mode (docs/operations.md, "Ingest");
 * the gateway still checks everything about the message itself, kid = the address in the topic first.
 */
export class ExternalConsumer {
  private readonly options: ExternalConsumerOptions;
  private readonly clients: MqttClient[] = [];
  private closed = false;

  constructor(options: ExternalConsumerOptions) {
    this.options = options;
  }

  /** Connects every session and resolves once each one is subscribed. */
  async start(): Promise<void> {
    const { connections, startTimeoutMs = 30_000 } = this.options;
    const ready: Promise<void>[] = [];
    for (let k = 0; k < connections; k++) {
      ready.push(new Promise<void>((resolve) => this.clients.push(this.connect(k, resolve))));
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new SealtrailError(
              "EXTERNAL_BROKER_UNREACHABLE",
              "external broker sessions did not subscribe in time",
              {
                details: { url: this.options.url, timeoutMs: startTimeoutMs },
              },
            ),
          ),
        startTimeoutMs,
      );
    });
    try {
      await Promise.race([Promise.all(ready), timeout]);
    } catch (error) {
      await this.close();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the sessions (they stay on the broker, holding anything not yet acknowledged). */
  /** True while at least one consumer session is connected to the broker (readiness). */
  connected(): boolean {
    return this.clients.some((c) => c.connected);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(
      this.clients.map((c) => new Promise<void>((resolve) => c.end(true, {}, () => resolve()))),
    );
  }

  /** Opens session k; `onSubscribed` runs each time it is (again) in the shared subscription. */
  private connect(k: number, onSubscribed: () => void): MqttClient {
    const o = this.options;
    const clientId = `${o.clientId}-${k}`;
    const filter = `$share/${o.shareGroup}/devices/+/readings`;
    const log = o.logger.child({ session: clientId });
    const options: IClientOptions = {
      clientId,
      protocolVersion: 5,
      clean: false,
      properties: { sessionExpiryInterval: o.sessionExpirySeconds ?? 7 * 24 * 3600 },
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      resubscribe: false,
      customHandleAcks: (topic, message, _packet, ack) => this.handle(client, topic, message, ack),
      ...(o.username ? { username: o.username } : {}),
      ...(o.password ? { password: o.password } : {}),
    };
    const client = mqtt.connect(o.url, options);
    client.on("connect", (connack) => {
      log.info({ sessionPresent: connack.sessionPresent }, "external broker session connected");
      if (connack.sessionPresent) {
        onSubscribed();
        return;
      }
      // A new session (first start, or the broker lost it): subscribe again.
      client.subscribe(filter, { qos: 1 }, (error, granted) => {
        const code = granted?.[0]?.qos;
        if (error || code === undefined || code > 2) {
          log.error({ err: error, granted }, "shared subscription refused");
          return;
        }
        onSubscribed();
      });
    });
    client.on("error", (error) => log.warn({ err: error.message }, "external broker session error"));
    client.on("offline", () => log.warn("external broker session offline"));
    return client;
  }

  private handle(
    client: MqttClient,
    topic: string,
    message: Buffer,
    ack: (error: Error | number) => void,
  ): void {
    const o = this.options;
    const match = READINGS_TOPIC.exec(topic);
    if (!match) {
      const refusal = new Refusal(
        GatewayRefusalCode.NotAuthorizedTopic,
        "not a devices/{address}/readings topic",
      );
      recordRefusal(o, topic.slice(0, 80), refusal, null);
      ack(NOT_AUTHORIZED);
      return;
    }
    const device = match[1] as Address;
    const depth = o.metrics.depth;
    const started = performance.now();
    depth.inFlight++;
    ingestReading(o.ingest, device, message).then(
      (result) => {
        depth.inFlight--;
        if (result.status === "inserted") o.metrics.accepted.inc();
        else o.metrics.duplicates.inc();
        o.metrics.pubackLatency.observe((performance.now() - started) / 1000);
        ack(SUCCESS);
      },
      (error: unknown) => {
        depth.inFlight--;
        if (error instanceof Refusal) {
          const messageId = refusedMessageId(message, o.maxMessageBytes);
          recordRefusal(o, device, error, messageId);
          client.publish(`devices/${device}/errors`, encodeRefusalNotice(messageId, error), { qos: 0 });
          ack(pubackCode(error.code));
          return;
        }
        // Not stored: no PUBACK. Drop the session's connection so the broker redelivers after reconnect.
        o.logger.error({ device, err: error }, "ingest failed; reconnecting so the broker redelivers");
        ack(error instanceof Error ? error : new Error(String(error)));
        client.stream?.destroy();
      },
    );
  }
}
