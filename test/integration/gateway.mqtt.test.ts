import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import mqtt, { type MqttClient } from "mqtt";
import { Gateway, parseGatewayConfig, SqliteStore } from "#gateway";
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
import { until } from "#test-support";

const example = (label: string) =>
  deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode(`EXAMPLE key ${label}`)));
const alice = example("gateway alice");
const bob = example("gateway bob");
const stranger = example("gateway stranger");

let dir: string;
let store: SqliteStore;
let gateway: Gateway;
const clients: MqttClient[] = [];

// As firmware does: each CONNECT token's iat is later than the previous one's (iat = max(now, last + 1)).
const lastIat = new Map<string, number>();
function nextIat(id: DeviceIdentity): number {
  const iat = Math.max(Math.floor(Date.now() / 1000), (lastIat.get(id.address) ?? 0) + 1);
  lastIat.set(id.address, iat);
  return iat;
}

function connect(id: DeviceIdentity, overrides: Partial<mqtt.IClientOptions> = {}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(gateway.mqttUrl, {
      clientId: id.address,
      username: id.address,
      reconnectPeriod: 0,
      protocolVersion: 4,
      ...overrides,
      password: overrides.password ?? Buffer.from(signConnectToken(id, nextIat(id))),
    });
    clients.push(client);
    client.once("connect", () => resolve(client));
    client.once("error", reject);
    client.once("close", () => reject(new Error("closed before connect")));
  });
}

function publish(client: MqttClient, topic: string, payload: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) =>
    client.publish(topic, Buffer.from(payload), { qos: 1 }, (err) => (err ? reject(err) : resolve())),
  );
}

function chain(id: DeviceIdentity, count: number, start = 1): Uint8Array[] {
  let prev: Uint8Array = GENESIS_PREV;
  const out: Uint8Array[] = [];
  for (let seq = 1; seq < start + count; seq++) {
    const payload: ReadingPayload = { v: 1, seq, ts: Date.now() - 1000, prev, m: { temp_c: 4 + seq / 10 } };
    const signed = signReading(id, payload);
    prev = hexToBytes(signed.messageId, 32);
    if (seq >= start) out.push(signed.message);
  }
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sealtrail-gw-"));
  store = SqliteStore.open(join(dir, "gateway.db"));
  gateway = new Gateway({
    config: parseGatewayConfig({ mqttPort: 0, batchMaxSize: 5, batchMaxAgeMs: 200 }),
    store,
    anchorChains: [],
  });
  await gateway.start();
  await gateway.registry.register(alice.publicKey, "alice");
  await gateway.registry.register(bob.publicKey, "bob");
});

afterAll(async () => {
  for (const c of clients) c.end(true);
  await gateway.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("gateway over a real MQTT socket and a real SQLite file", () => {
  it("acknowledges readings only once they are stored, and stores a resent reading once", async () => {
    const client = await connect(alice);
    const messages = chain(alice, 3);
    for (const m of messages) await publish(client, `devices/${alice.address}/readings`, m);
    for (const m of messages)
      expect(await store.getMessage(`0x${Buffer.from(keccak256(m)).toString("hex")}`)).toBeDefined();
    await publish(client, `devices/${alice.address}/readings`, messages[0]!);
    expect(await store.countMessages()).toBe(3);
    expect((await store.listDeviceMessages(alice.address)).map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it("seals stored readings into batches by age", async () => {
    // The readings are younger than batchMaxAgeMs (200 ms) at first: the batcher's own timer seals them
    // once they are old enough.
    const sealed = async () => (await store.listBatches()).reduce((n, b) => n + b.size, 0);
    await until(async () => (await sealed()) === 3, { what: "three readings sealed by age" });
    const batches = await store.listBatches();
    expect(batches.reduce((n, b) => n + b.size, 0)).toBe(3);
    expect((await store.unbatchedSummary(10)).count).toBe(0);
  });

  it("refuses a forged reading with a reason on the errors topic, disconnects, and stores nothing", async () => {
    const client = await connect(bob);
    const reasons: unknown[] = [];
    await new Promise<void>((resolve) =>
      client.subscribe(`devices/${bob.address}/errors`, { qos: 0 }, () => resolve()),
    );
    client.on("message", (_t, payload) => reasons.push(decodeCbor(new Uint8Array(payload))));
    const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    const forged = chain(stranger, 1)[0]!; // signed by a stranger with the stranger's kid
    client.publish(`devices/${bob.address}/readings`, Buffer.from(forged), { qos: 1 });
    await closed;
    expect(reasons).toHaveLength(1);
    expect((reasons[0] as Map<string, unknown>).get("code")).toBe("KID_MISMATCH");
    expect(await store.listDeviceMessages(bob.address)).toEqual([]);
  });

  it("refuses publishing under another device's topic", async () => {
    const client = await connect(bob);
    const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    client.publish(`devices/${alice.address}/readings`, Buffer.from(chain(bob, 1)[0]!), { qos: 1 });
    await closed;
    const refused = await gateway.metrics.refused.get();
    expect(refused.values.find((v) => v.labels.reason === "NOT_AUTHORIZED_TOPIC")?.value).toBe(1);
    expect(await store.listDeviceMessages(bob.address)).toEqual([]);
  });

  it("refuses equivocation: a different message with a used (device, seq)", async () => {
    const client = await connect(bob);
    const first = chain(bob, 1)[0]!;
    await publish(client, `devices/${bob.address}/readings`, first);
    const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    const other = signReading(bob, {
      v: 1,
      seq: 1,
      ts: Date.now(),
      prev: GENESIS_PREV,
      m: { temp_c: 99 },
    }).message;
    client.publish(`devices/${bob.address}/readings`, Buffer.from(other), { qos: 1 });
    await closed;
    expect((await store.listDeviceMessages(bob.address)).length).toBe(1);
    expect((await store.getDevice(bob.address))?.flaggedAt).not.toBeNull();
  });

  it("refuses CONNECT from an unknown device, with a replayed token, or a username that is not the clientId", async () => {
    await expect(connect(stranger)).rejects.toThrow(/Not authorized/i);
    const token = Buffer.from(signConnectToken(alice, nextIat(alice)));
    const first = await connect(alice, { password: token });
    first.end(true);
    await expect(connect(alice, { password: token })).rejects.toThrow(/Bad username or password/i);
    const older = Buffer.from(signConnectToken(alice, (lastIat.get(alice.address) ?? 0) - 1));
    await expect(connect(alice, { password: older })).rejects.toThrow(/Bad username or password/i);
    await expect(connect(alice, { username: bob.address })).rejects.toThrow(/Bad username or password/i);
  });

  it("never lets a failed login with another device's clientId disconnect that device", async () => {
    const live = await connect(alice);
    let closed = false;
    live.once("close", () => {
      closed = true;
    });
    await expect(
      connect(alice, { password: Buffer.from(signConnectToken(bob, nextIat(bob))) }),
    ).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 100));
    expect(closed).toBe(false);
    await publish(live, `devices/${alice.address}/readings`, chain(alice, 1, 4)[0]!);
  });

  it("disconnects a device's live session when its key is revoked", async () => {
    const live = await connect(bob);
    const closed = new Promise<void>((resolve) => live.once("close", () => resolve()));
    await gateway.registry.revoke(bob.address);
    await closed;
    await expect(connect(bob)).rejects.toThrow(/Not authorized/i);
  });
});
