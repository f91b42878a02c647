import { EventEmitter } from "node:events";
import mqtt, { type MqttClient } from "mqtt";
import { SimError, SimErrorCode } from "../errors.ts";
import {
  type ConnectOptions,
  type DeviceClient,
  type DeviceClientEvents,
  parseMqttUrl,
} from "./deviceClient.ts";

/**
 * The device client on MQTT.js — what a gateway-class device (a Linux box, a phone app) would use.
 * MQTT.js's own reconnect and offline queue are switched off: the device drives reconnects (a fresh
 * CONNECT token each time) and its on-disk outbox replaces the in-memory queue.
 */
export class MqttJsClient extends EventEmitter<DeviceClientEvents> implements DeviceClient {
  readonly kind = "mqttjs" as const;
  private client: MqttClient | undefined;
  private isConnected = false;
  /** Rejecters of the publishes and subscribes awaiting their acknowledgement on this connection. */
  private readonly pending = new Set<(error: Error) => void>();

  get connected(): boolean {
    return this.isConnected;
  }

  connect(options: ConnectOptions): Promise<void> {
    if (this.client) return Promise.reject(new SimError(SimErrorCode.ProtocolViolation, "already connected"));
    const { host, port } = parseMqttUrl(options.url);
    return new Promise<void>((resolve, reject) => {
      const client = mqtt.connect({
        host,
        port,
        protocol: "mqtt",
        protocolVersion: 4,
        clientId: options.clientId,
        username: options.username,
        password: Buffer.from(options.password),
        clean: true,
        keepalive: options.keepaliveS,
        connectTimeout: options.connectTimeoutMs,
        reconnectPeriod: 0,
        resubscribe: false,
        queueQoSZero: false,
      });
      this.client = client;
      let settled = false;
      client.once("connect", () => {
        settled = true;
        this.isConnected = true;
        resolve();
      });
      client.on("error", (error: Error & { code?: unknown }) => {
        if (settled) return; // after CONNACK, errors show up as a close
        settled = true;
        reject(
          typeof error.code === "number"
            ? new SimError(SimErrorCode.ConnectRefused, error.message, {
                details: { returnCode: error.code },
              })
            : new SimError(SimErrorCode.ConnectionClosed, "connection failed before CONNACK", {
                cause: error,
              }),
        );
        client.end(true);
      });
      client.on("message", (topic, payload) => {
        this.emit("message", topic, new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength));
      });
      client.once("close", () => {
        const wasConnected = this.isConnected;
        this.isConnected = false;
        this.client = undefined;
        const error = new SimError(
          SimErrorCode.ConnectionClosed,
          "connection closed before the acknowledgement",
        );
        for (const rejectPending of [...this.pending]) rejectPending(error);
        this.pending.clear();
        client.end(true);
        if (!settled) {
          settled = true;
          reject(new SimError(SimErrorCode.ConnectionClosed, "connection closed before CONNACK"));
        }
        if (wasConnected) this.emit("close");
      });
    });
  }

  publish(topic: string, payload: Uint8Array, options: { dup?: boolean } = {}): Promise<void> {
    const client = this.client;
    if (!client || !this.isConnected) return Promise.reject(notConnected());
    return this.track((done) =>
      client.publish(
        topic,
        Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength),
        { qos: 1, dup: options.dup ?? false },
        (error) => done(error ?? undefined),
      ),
    );
  }

  subscribe(topic: string): Promise<void> {
    const client = this.client;
    if (!client || !this.isConnected) return Promise.reject(notConnected());
    return this.track((done) =>
      client.subscribe(topic, { qos: 0 }, (error, granted) => {
        // MQTT.js reports a SUBACK failure code (0x80) as an error carrying the SUBACK packet.
        const suback = (error as { packet?: { cmd?: string } } | undefined)?.packet;
        if (suback?.cmd === "suback" || granted?.[0]?.qos === 0x80)
          done(new SimError(SimErrorCode.SubscribeRefused, "subscription refused"));
        else done(error ?? undefined);
      }),
    );
  }

  async close(): Promise<void> {
    const client = this.client;
    if (!client) return;
    // A clean DISCONNECT when nothing is awaiting an ack; otherwise MQTT.js would wait for acks that a dead
    // broker never sends. Unacknowledged readings stay in the device's outbox either way.
    const force = !this.isConnected || this.pending.size > 0;
    await new Promise<void>((resolve) => client.end(force, {}, () => resolve()));
  }

  /** Runs an operation whose callback settles a promise, which a connection loss rejects first. */
  private track(start: (done: (error: Error | undefined) => void) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const rejectPending = (error: Error) => {
        if (settled) return;
        settled = true;
        this.pending.delete(rejectPending);
        reject(error);
      };
      this.pending.add(rejectPending);
      start((error) => {
        if (settled) return;
        settled = true;
        this.pending.delete(rejectPending);
        if (error)
          reject(
            error instanceof SimError
              ? error
              : new SimError(SimErrorCode.ConnectionClosed, "operation failed", { cause: error }),
          );
        else resolve();
      });
    });
  }
}

function notConnected(): SimError {
  return new SimError(SimErrorCode.ConnectionClosed, "not connected");
}
