import { EventEmitter } from "node:events";
import { connect as netConnect, type Socket } from "node:net";
import mqttPacket, { type Packet } from "mqtt-packet";
import { validateArgument } from "#protocol";
import { SimError, SimErrorCode } from "../errors.ts";
import {
  type ConnectOptions,
  type DeviceClient,
  type DeviceClientEvents,
  parseMqttUrl,
} from "./deviceClient.ts";

type Waiter = { resolve: () => void; reject: (error: Error) => void };
type QueuedPublish = Waiter & { topic: string; payload: Buffer; dup: boolean };

export type RawMqttClientOptions = {
  /** Most QoS 1 PUBLISHes awaiting their PUBACK at once; further ones wait in order. */
  maxInflight?: number;
};

/** CONNACK return codes, MQTT 3.1.1 §3.2.2.3. */
const CONNACK_REASONS: Record<number, string> = {
  1: "unacceptable protocol version",
  2: "identifier rejected",
  3: "server unavailable",
  4: "bad username or password",
  5: "not authorized",
};

const DISCONNECT_GRACE_MS = 1000;
const MAX_PACKET_ID = 0xffff;

/**
 * A minimal MQTT 3.1.1 client on `mqtt-packet` over one TCP socket — what a constrained device runs:
 * CONNECT/CONNACK, QoS 1 PUBLISH with packet ids and a bounded in-flight window, PUBACK, SUBSCRIBE/SUBACK,
 * PINGREQ keep-alive and DISCONNECT. No QoS 2, no retained messages, no session kept across connections.
 */
export class RawMqttClient extends EventEmitter<DeviceClientEvents> implements DeviceClient {
  readonly kind = "raw" as const;
  private readonly maxInflight: number;
  private socket: Socket | undefined;
  private socketClosed: Promise<void> = Promise.resolve();
  private isConnected = false;
  private readonly inflight = new Map<number, Waiter>();
  private readonly subacks = new Map<number, Waiter>();
  private readonly queue: QueuedPublish[] = [];
  private lastPacketId = 0;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private lastSentAt = 0;
  private pingSentAt: number | undefined;

  constructor(options: RawMqttClientOptions = {}) {
    super();
    this.maxInflight = options.maxInflight ?? 16;
    validateArgument(
      Number.isInteger(this.maxInflight) && this.maxInflight >= 1 && this.maxInflight < MAX_PACKET_ID,
      "maxInflight must be an integer in 1..65534",
    );
  }

  get connected(): boolean {
    return this.isConnected;
  }

  connect(options: ConnectOptions): Promise<void> {
    validateArgument(this.socket === undefined, "the client already has a connection");
    const { host, port } = parseMqttUrl(options.url);
    const socket = netConnect({ host, port });
    socket.setNoDelay(true);
    this.socket = socket;
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    let socketError: Error | undefined;
    let settle: ((error?: Error) => void) | undefined;
    const connected = new Promise<void>((resolve, reject) => {
      settle = (error) => {
        settle = undefined;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
    });
    const timer = setTimeout(() => {
      settle?.(new SimError(SimErrorCode.Timeout, `no CONNACK within ${options.connectTimeoutMs} ms`));
      socket.destroy();
    }, options.connectTimeoutMs);

    this.socketClosed = new Promise<void>((resolve) => {
      socket.once("close", () => {
        settle?.(
          new SimError(SimErrorCode.ConnectionClosed, "connection closed before CONNACK", {
            cause: socketError,
          }),
        );
        this.onSocketClosed(socketError);
        resolve();
      });
    });
    socket.on("error", (error) => {
      socketError = error;
    });
    socket.on("connect", () => {
      this.send({
        cmd: "connect",
        protocolId: "MQTT",
        protocolVersion: 4,
        clean: true,
        clientId: options.clientId,
        keepalive: options.keepaliveS,
        username: options.username,
        password: Buffer.from(options.password),
      });
    });
    socket.on("data", (chunk: Buffer) => parser.parse(chunk));
    parser.on("error", (error: Error) => {
      socketError = new SimError(SimErrorCode.ProtocolViolation, "malformed packet from the broker", {
        cause: error,
      });
      socket.destroy();
    });
    parser.on("packet", (packet: Packet) => {
      if (!settle) {
        this.handlePacket(packet);
        return;
      }
      // [MQTT-3.2.0-1] the first packet from the server must be CONNACK.
      if (packet.cmd !== "connack") {
        settle(new SimError(SimErrorCode.ProtocolViolation, `expected CONNACK, got ${packet.cmd}`));
        socket.destroy();
        return;
      }
      const returnCode = packet.returnCode ?? 0;
      if (returnCode !== 0) {
        settle(
          new SimError(
            SimErrorCode.ConnectRefused,
            CONNACK_REASONS[returnCode] ?? `return code ${returnCode}`,
            {
              details: { returnCode },
            },
          ),
        );
        socket.destroy();
        return;
      }
      this.isConnected = true;
      this.startKeepalive(options.keepaliveS);
      settle();
    });
    return connected;
  }

  publish(topic: string, payload: Uint8Array, options: { dup?: boolean } = {}): Promise<void> {
    if (!this.isConnected) return Promise.reject(notConnected());
    return new Promise<void>((resolve, reject) => {
      const buffer = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
      this.queue.push({ topic, payload: buffer, dup: options.dup ?? false, resolve, reject });
      this.pump();
    });
  }

  subscribe(topic: string): Promise<void> {
    if (!this.isConnected) return Promise.reject(notConnected());
    return new Promise<void>((resolve, reject) => {
      const messageId = this.nextPacketId();
      this.subacks.set(messageId, { resolve, reject });
      this.send({ cmd: "subscribe", messageId, subscriptions: [{ topic, qos: 0 }] });
    });
  }

  async close(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    if (this.isConnected) {
      this.send({ cmd: "disconnect" });
      socket.end();
      const grace = setTimeout(() => socket.destroy(), DISCONNECT_GRACE_MS);
      await this.socketClosed;
      clearTimeout(grace);
    } else {
      socket.destroy();
      await this.socketClosed;
    }
  }

  private handlePacket(packet: Packet): void {
    switch (packet.cmd) {
      case "puback": {
        const waiter = this.inflight.get(packet.messageId ?? -1);
        if (!waiter) return; // a late PUBACK for a packet id we no longer track
        this.inflight.delete(packet.messageId!);
        waiter.resolve();
        this.pump();
        return;
      }
      case "suback": {
        const waiter = this.subacks.get(packet.messageId ?? -1);
        if (!waiter) return;
        this.subacks.delete(packet.messageId!);
        // [MQTT-3.9.3-2] 0x80 is the failure return code.
        if (packet.granted[0] === 0x80)
          waiter.reject(new SimError(SimErrorCode.SubscribeRefused, "subscription refused"));
        else waiter.resolve();
        return;
      }
      case "publish": {
        if (packet.qos === 2) {
          this.violation("QoS 2 delivery on a QoS 0 subscription");
          return;
        }
        // [MQTT-3.3.4-1] acknowledge a QoS 1 delivery.
        if (packet.qos === 1) this.send({ cmd: "puback", messageId: packet.messageId! });
        const payload = typeof packet.payload === "string" ? Buffer.from(packet.payload) : packet.payload;
        this.emit(
          "message",
          packet.topic,
          new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength),
        );
        return;
      }
      case "pingresp":
        this.pingSentAt = undefined;
        return;
      default:
        this.violation(`unexpected ${packet.cmd} from the broker`);
    }
  }

  private pump(): void {
    while (this.isConnected && this.inflight.size < this.maxInflight && this.queue.length > 0) {
      const next = this.queue.shift()!;
      const messageId = this.nextPacketId();
      this.inflight.set(messageId, next);
      // [MQTT-2.3.1-1] a QoS 1 PUBLISH carries a packet id not used by another unacknowledged packet.
      this.send({
        cmd: "publish",
        topic: next.topic,
        payload: next.payload,
        qos: 1,
        dup: next.dup,
        retain: false,
        messageId,
      });
    }
  }

  private nextPacketId(): number {
    do {
      this.lastPacketId = (this.lastPacketId % MAX_PACKET_ID) + 1;
    } while (this.inflight.has(this.lastPacketId) || this.subacks.has(this.lastPacketId));
    return this.lastPacketId;
  }

  private send(packet: Packet): void {
    const socket = this.socket;
    if (!socket || socket.destroyed) return;
    socket.write(mqttPacket.generate(packet));
    this.lastSentAt = performance.now();
  }

  /**
   * [MQTT-3.1.2-23] the client must send some control packet within every keep-alive period; when it has
   * nothing else to say it sends PINGREQ, and if no PINGRESP comes back within another period the broker
   * (or the path to it) is gone, so the socket is dropped and the device reconnects.
   */
  private startKeepalive(keepaliveS: number): void {
    if (keepaliveS <= 0) return;
    const periodMs = keepaliveS * 1000;
    const tickMs = Math.min(1000, periodMs / 4);
    this.keepaliveTimer = setInterval(() => {
      const now = performance.now();
      if (this.pingSentAt !== undefined) {
        if (now - this.pingSentAt >= periodMs) {
          this.socket?.destroy(
            new SimError(SimErrorCode.Timeout, "no PINGRESP within the keep-alive period"),
          );
        }
        return;
      }
      if (now - this.lastSentAt >= periodMs - tickMs) {
        this.send({ cmd: "pingreq" });
        this.pingSentAt = now;
      }
    }, tickMs);
    this.keepaliveTimer.unref();
  }

  private violation(detail: string): void {
    this.socket?.destroy(new SimError(SimErrorCode.ProtocolViolation, detail));
  }

  private onSocketClosed(cause: Error | undefined): void {
    const wasConnected = this.isConnected;
    this.isConnected = false;
    this.socket = undefined;
    clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = undefined;
    this.pingSentAt = undefined;
    const error = new SimError(
      SimErrorCode.ConnectionClosed,
      "connection closed before the acknowledgement",
      { cause },
    );
    const waiting = [...this.inflight.values(), ...this.queue, ...this.subacks.values()];
    this.inflight.clear();
    this.subacks.clear();
    this.queue.length = 0;
    for (const waiter of waiting) waiter.reject(error);
    if (wasConnected) this.emit("close");
  }
}

function notConnected(): SimError {
  return new SimError(SimErrorCode.ConnectionClosed, "not connected");
}
