// Helpers for the gateway integration suites: a real gateway on a free port with a real SQLite file,
// devices as mqtt.js clients or raw sockets, and hand-built (hostile) messages.
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { connect as netConnect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import mqttPacket from "mqtt-packet";
import { Gateway, type GatewayConfig, parseGatewayConfig, SqliteStore } from "#gateway";
import {
  type DeviceIdentity,
  decodeCbor,
  deviceIdentityFromPrivateKey,
  GENESIS_PREV,
  hexToBytes,
  keccak256,
  type ReadingPayload,
  signConnectToken,
  signReading,
} from "#protocol";

export const exampleIdentity = (label: string): DeviceIdentity =>
  deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode(`EXAMPLE key ${label}`)));

export type TestGateway = {
  gateway: Gateway;
  store: SqliteStore;
  dir: string;
  dbPath: string;
  url: string;
  port: number;
  close(): Promise<void>;
};

/** A gateway on 127.0.0.1:0 with its own SQLite file; the given devices registered. */
export async function startTestGateway(
  config: Partial<Record<keyof GatewayConfig, unknown>> = {},
  devices: DeviceIdentity[] = [],
): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-gw-"));
  const dbPath = join(dir, "gateway.db");
  const store = SqliteStore.open(dbPath);
  const gateway = new Gateway({
    config: parseGatewayConfig({ mqttPort: 0, verifyPoolSize: 1, revocationPollMs: 0, ...config }),
    store,
    anchorChains: [],
  });
  await gateway.start();
  for (const d of devices) await gateway.registry.register(d.publicKey, d.address.slice(0, 10));
  return {
    gateway,
    store,
    dir,
    dbPath,
    url: gateway.mqttUrl,
    port: gateway.mqttPort,
    async close() {
      await gateway.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// As firmware does: each CONNECT token's iat is later than the previous one's (iat = max(now, last + 1)).
const lastIat = new Map<string, number>();
export function nextIat(id: DeviceIdentity): number {
  const iat = Math.max(Math.floor(Date.now() / 1000), (lastIat.get(id.address) ?? 0) + 1);
  lastIat.set(id.address, iat);
  return iat;
}

export const freshToken = (id: DeviceIdentity): Buffer => Buffer.from(signConnectToken(id, nextIat(id)));

/** Connects with mqtt.js (MQTT 3.1.1, no reconnect); rejects with the CONNACK error on refusal. */
export function connectDevice(
  url: string,
  id: DeviceIdentity,
  overrides: Partial<mqtt.IClientOptions> = {},
): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, {
      clientId: id.address,
      username: id.address,
      reconnectPeriod: 0,
      protocolVersion: 4,
      ...overrides,
      password: overrides.password ?? freshToken(id),
    });
    client.once("connect", () => resolve(client));
    client.once("error", (error) => {
      client.end(true);
      reject(error);
    });
    client.once("close", () => reject(new Error("closed before connect")));
  });
}

export function publish(client: MqttClient, topic: string, payload: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) =>
    client.publish(topic, Buffer.from(payload), { qos: 1 }, (err) => (err ? reject(err) : resolve())),
  );
}

/** A valid hash chain of `count` readings from seq `start` (earlier ones are signed to link `prev`). */
export function chain(id: DeviceIdentity, count: number, start = 1, ts = Date.now() - 1000): Uint8Array[] {
  let prev: Uint8Array = GENESIS_PREV;
  const out: Uint8Array[] = [];
  for (let seq = 1; seq < start + count; seq++) {
    const payload: ReadingPayload = { v: 1, seq, ts: ts + seq, prev, m: { temp_c: 4 + seq / 10 } };
    const signed = signReading(id, payload);
    prev = hexToBytes(signed.messageId, 32);
    if (seq >= start) out.push(signed.message);
  }
  return out;
}

/**
 * Connects `id`, subscribes to its errors topic, publishes `payload` on `topic` (its readings topic by
 * default) and resolves with the refusal code the gateway sent before closing the connection.
 */
export async function refusalFor(
  url: string,
  id: DeviceIdentity,
  payload: Uint8Array,
  topic = `devices/${id.address}/readings`,
  qos: 0 | 1 | 2 = 1,
): Promise<string | undefined> {
  const client = await connectDevice(url, id);
  const codes: string[] = [];
  await new Promise<void>((resolve) =>
    client.subscribe(`devices/${id.address}/errors`, { qos: 0 }, () => resolve()),
  );
  client.on("message", (_t, body) => {
    const notice = decodeCbor(new Uint8Array(body)) as Map<string, unknown>;
    codes.push(String(notice.get("code")));
  });
  client.on("error", () => {}); // a refusal may reset the connection
  const closed = closeOf(client);
  client.publish(topic, Buffer.from(payload), { qos });
  await closed;
  client.end(true);
  return codes[0];
}

/** Resolves when the client's connection closes (unlike events.once, an "error" before it does not reject). */
export function closeOf(client: MqttClient): Promise<void> {
  return new Promise((resolve) => client.once("close", () => resolve()));
}

/** A raw TCP connection to the gateway, for bytes no MQTT client would send. */
export async function rawSocket(port: number): Promise<Socket> {
  const socket = netConnect({ host: "127.0.0.1", port });
  await once(socket, "connect");
  socket.on("error", () => {});
  return socket;
}

/** Resolves when the socket is closed by the peer, or with "open" after `ms`. */
export function closedWithin(socket: Socket, ms: number): Promise<"closed" | "open"> {
  if (socket.destroyed || socket.readableEnded) return Promise.resolve("closed");
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve("open"), ms);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve("closed");
    });
  });
}

/** The bytes of a CONNECT for `id` with a fresh token (optionally with a Will). */
export function connectPacket(id: DeviceIdentity, extra: Partial<mqttPacket.IConnectPacket> = {}): Buffer {
  return mqttPacket.generate({
    cmd: "connect",
    protocolId: "MQTT",
    protocolVersion: 4,
    clean: true,
    clientId: id.address,
    username: id.address,
    password: freshToken(id),
    keepalive: 30,
    ...extra,
  });
}

/** Reads a counter of the gateway's metrics by label set. */
export async function counterValue(
  metric: { get(): Promise<{ values: { labels: Record<string, unknown>; value: number }[] }> },
  labels: Record<string, string> = {},
): Promise<number> {
  const { values } = await metric.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))
    .reduce((n, v) => n + v.value, 0);
}
