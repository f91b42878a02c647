import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { until } from "#test-support";
import { isSimError, SimErrorCode } from "../errors.ts";
import { FakeBroker } from "../testing/FakeBroker.ts";
import { RawMqttClient } from "./RawMqttClient.ts";

let broker: FakeBroker;
let client: RawMqttClient;

beforeEach(async () => {
  broker = await FakeBroker.start();
});
afterEach(async () => {
  await client?.close();
  await broker.close();
});

const options = (keepaliveS = 30) => ({
  url: broker.url,
  clientId: "0x0000000000000000000000000000000000000001",
  username: "0x0000000000000000000000000000000000000001",
  password: new Uint8Array([1, 2, 3]),
  keepaliveS,
  connectTimeoutMs: 10_000,
});

describe("RawMqttClient", () => {
  it("sends a 3.1.1 CONNECT with clientId, username, binary password, clean session and keep-alive", async () => {
    client = new RawMqttClient();
    await client.connect(options(20));
    const connect = broker.connects[0]!;
    expect(connect).toMatchObject({ protocolId: "MQTT", protocolVersion: 4, clean: true, keepalive: 20 });
    expect(connect.clientId).toBe(options().clientId);
    expect(connect.username).toBe(options().username);
    expect([...connect.password!]).toEqual([1, 2, 3]);
  });

  it("keeps at most maxInflight PUBLISHes awaiting PUBACK, with distinct packet ids, and sends the rest in order", async () => {
    client = new RawMqttClient({ maxInflight: 3 });
    await client.connect(options());
    broker.holdAcks = true;
    const pending = [1, 2, 3, 4, 5].map((n) => client.publish("t", new Uint8Array([n])).catch(() => {}));
    await until(() => broker.publishes.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(broker.publishes.map((p) => p.payload[0])).toEqual([1, 2, 3]);
    expect(new Set(broker.publishes.map((p) => p.messageId)).size).toBe(3);
    broker.dropConnections();
    await Promise.all(pending);
  });

  it("resolves each publish on its PUBACK and marks a retransmission with DUP", async () => {
    client = new RawMqttClient();
    await client.connect(options());
    await client.publish("t", new Uint8Array([1]));
    await client.publish("t", new Uint8Array([1]), { dup: true });
    expect(broker.publishes.map((p) => p.dup)).toEqual([false, true]);
  });

  it("rejects pending publishes with CONNECTION_CLOSED when the connection drops, and emits close", async () => {
    client = new RawMqttClient();
    await client.connect(options());
    broker.holdAcks = true;
    const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    const outcome = client.publish("t", new Uint8Array([1])).catch((error: unknown) => error);
    await until(() => broker.publishes.length === 1);
    broker.dropConnections();
    await closed;
    expect(isSimError(await outcome, SimErrorCode.ConnectionClosed)).toBe(true);
  });

  it("reports a refused CONNECT with its return code", async () => {
    broker.connackCode = 5;
    client = new RawMqttClient();
    const error = await client.connect(options()).catch((e: unknown) => e);
    expect(isSimError(error, SimErrorCode.ConnectRefused)).toBe(true);
    expect((error as { details: { returnCode: number } }).details.returnCode).toBe(5);
  });

  it("sends PINGREQ when idle for the keep-alive period", async () => {
    client = new RawMqttClient();
    await client.connect(options(1));
    await until(() => broker.pingreqs >= 1);
    expect(client.connected).toBe(true);
  });

  it("drops a connection whose PINGREQ goes unanswered, so the device can reconnect", async () => {
    broker.ignorePings = true;
    client = new RawMqttClient();
    await client.connect(options(1));
    const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    await closed;
    expect(broker.pingreqs).toBeGreaterThanOrEqual(1);
    expect(client.connected).toBe(false);
  });

  it("delivers messages from subscriptions", async () => {
    client = new RawMqttClient();
    await client.connect(options());
    await client.subscribe("devices/x/errors");
    const received = new Promise<[string, Uint8Array]>((resolve) =>
      client.once("message", (t, p) => resolve([t, p])),
    );
    broker.sendToClients("devices/x/errors", new Uint8Array([9]));
    const [topic, payload] = await received;
    expect(topic).toBe("devices/x/errors");
    expect([...payload]).toEqual([9]);
    expect(broker.subscriptions).toEqual(["devices/x/errors"]);
  });
});
