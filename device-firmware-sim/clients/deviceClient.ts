import type { EventEmitter } from "node:events";
import { validateArgument } from "#protocol";

/** The two MQTT client implementations the simulator ships. */
export const CLIENT_KINDS = ["mqttjs", "raw"] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];

export type ConnectOptions = {
  /** `mqtt://host:port` (plain TCP). */
  url: string;
  /** clientId = username = lowercase device address. */
  clientId: string;
  username: string;
  /** The CONNECT token. */
  password: Uint8Array;
  /** MQTT keep-alive, seconds. */
  keepaliveS: number;
  /** Give up waiting for CONNACK after this long, ms. */
  connectTimeoutMs: number;
};

export type DeviceClientEvents = {
  /** An application message from a subscription (the device's errors topic). */
  message: [topic: string, payload: Uint8Array];
  /** The connection ended (after a successful connect), whoever ended it. */
  close: [];
};

/**
 * What device firmware needs from MQTT, and no more: one connection at a time, QoS 1 publishes that
 * resolve on PUBACK, a subscription, a clean close. A client can connect again after `close`; it keeps
 * nothing across connections — the device's on-disk outbox is the session, so the device decides what
 * to resend (with DUP set) after a reconnect.
 */
export interface DeviceClient extends EventEmitter<DeviceClientEvents> {
  readonly kind: ClientKind;
  readonly connected: boolean;
  /** Opens a connection; resolves on CONNACK 0, rejects with SimError CONNECT_REFUSED, TIMEOUT or CONNECTION_CLOSED. */
  connect(options: ConnectOptions): Promise<void>;
  /**
   * Publishes with QoS 1; resolves on the PUBACK, rejects with CONNECTION_CLOSED if the connection ends
   * first. `dup` marks a retransmission [MQTT-3.3.1-1].
   */
  publish(topic: string, payload: Uint8Array, options?: { dup?: boolean }): Promise<void>;
  /** Subscribes with QoS 0; rejects with SUBSCRIBE_REFUSED on a SUBACK failure code. */
  subscribe(topic: string): Promise<void>;
  /** Sends DISCONNECT and waits for the socket to close; a no-op when not connected. */
  close(): Promise<void>;
}

/** Parses `mqtt://host[:port]`; only plain TCP is supported by the simulator's clients. */
export function parseMqttUrl(url: string): { host: string; port: number } {
  validateArgument(URL.canParse(url), "MQTT URL is not a URL", { url });
  const parsed = new URL(url);
  validateArgument(parsed.protocol === "mqtt:" || parsed.protocol === "tcp:", "use an mqtt://host:port URL", {
    url,
  });
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  return { host, port: parsed.port === "" ? 1883 : Number(parsed.port) };
}
