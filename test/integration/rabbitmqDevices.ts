// Devices for the RabbitMQ suites and bench: mqtt.js clients logging in to RabbitMQ's MQTT plugin with
// Sealtrail CONNECT tokens, and a reader of what the shared SQLite store holds.
import { existsSync } from "node:fs";
import Database from "better-sqlite3";
import mqtt, { type MqttClient } from "mqtt";
import type { DeviceIdentity } from "#protocol";
import { freshToken } from "./gatewayKit.ts";

/** Logs `id` in to the broker at `url` (MQTT 3.1.1, clientId = username = address, a fresh token). */
export function connectToRabbit(
  url: string,
  id: DeviceIdentity,
  options: mqtt.IClientOptions = {},
): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, {
      clientId: id.address,
      username: id.address,
      password: freshToken(id),
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 20_000,
      ...options,
    });
    client.once("connect", () => resolve(client));
    client.once("error", (error) => {
      client.end(true);
      reject(error);
    });
    client.once("close", () => reject(new Error("closed before CONNACK")));
  });
}

/** Publishes at QoS 1; resolves on PUBACK. */
export function publishReading(client: MqttClient, id: DeviceIdentity, message: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) =>
    client.publish(`devices/${id.address}/readings`, Buffer.from(message), { qos: 1 }, (error) =>
      error ? reject(error) : resolve(),
    ),
  );
}

/** Every message id in the SQLite store at `path` (hex), read through a connection of its own. */
export function storedIds(path: string): string[] {
  if (!existsSync(path)) return [];
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    return (db.prepare("SELECT id FROM messages").pluck().all() as Buffer[]).map(
      (b) => `0x${b.toString("hex")}`,
    );
  } finally {
    db.close();
  }
}
