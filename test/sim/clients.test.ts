import { afterAll, afterEach, beforeAll, describe, expect, it } from "@jest/globals";
import {
  type DeviceIdentity,
  decodeCbor,
  deviceIdentityFromPrivateKey,
  generatePrivateKey,
  messageIdOf,
  signConnectToken,
  signReading,
} from "#protocol";
import {
  CLIENT_KINDS,
  type ClientKind,
  createDeviceClient,
  type DeviceClient,
  isSimError,
  nextTokenIat,
  preSignReadings,
  SimErrorCode,
} from "#sim";
import { type GatewayHarness, startGatewayHarness } from "./gatewayHarness.ts";

let harness: GatewayHarness;
const lastIat = new Map<string, number>();
const open: DeviceClient[] = [];

beforeAll(async () => {
  harness = await startGatewayHarness();
});

afterAll(async () => {
  await harness.close();
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

async function newDevice(): Promise<DeviceIdentity> {
  const identity = deviceIdentityFromPrivateKey(generatePrivateKey());
  await harness.gateway.registry.register(identity.publicKey, "interop");
  return identity;
}

function connectOptions(identity: DeviceIdentity, overrides: { iat?: number; keepaliveS?: number } = {}) {
  const iat = overrides.iat ?? nextTokenIat(Date.now(), lastIat.get(identity.address) ?? 0);
  lastIat.set(identity.address, Math.max(iat, lastIat.get(identity.address) ?? 0));
  return {
    url: harness.mqttUrl,
    clientId: identity.address,
    username: identity.address,
    password: signConnectToken(identity, iat),
    keepaliveS: overrides.keepaliveS ?? 30,
    connectTimeoutMs: 15_000,
  };
}

async function connected(
  kind: ClientKind,
  identity: DeviceIdentity,
  keepaliveS?: number,
): Promise<DeviceClient> {
  const client = createDeviceClient(kind, { maxInflight: 8 });
  open.push(client);
  await client.connect(connectOptions(identity, keepaliveS === undefined ? {} : { keepaliveS }));
  return client;
}

const readings = (identity: DeviceIdentity) => `devices/${identity.address}/readings`;

describe.each(CLIENT_KINDS)("the %s client against the gateway", (kind) => {
  it("gets the PUBACK only once the reading is stored", async () => {
    const device = await newDevice();
    const client = await connected(kind, device);
    const [message] = preSignReadings(device, 1).messages;
    await client.publish(readings(device), message!);
    expect(await harness.store.getMessage(messageIdOf(message!))).toBeDefined();
  });

  it("is acknowledged again for an identical resend with DUP, which is stored once", async () => {
    const device = await newDevice();
    const client = await connected(kind, device);
    const [message] = preSignReadings(device, 1).messages;
    await client.publish(readings(device), message!);
    await client.publish(readings(device), message!, { dup: true });
    expect(await harness.store.listDeviceMessages(device.address)).toHaveLength(1);
  });

  it("delivers a burst of 60 publishes, all acknowledged and stored as seq 1..60", async () => {
    const device = await newDevice();
    const client = await connected(kind, device);
    const { messages } = preSignReadings(device, 60);
    await Promise.all(messages.map((m) => client.publish(readings(device), m)));
    const stored = await harness.store.listDeviceMessages(device.address);
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it("hears a refusal on the errors topic before the disconnect, and the pending publish fails", async () => {
    const device = await newDevice();
    const client = await connected(kind, device);
    await client.subscribe(`devices/${device.address}/errors`);
    const notices: unknown[] = [];
    client.on("message", (_topic, payload) => notices.push(decodeCbor(payload)));
    const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    const stranger = deviceIdentityFromPrivateKey(generatePrivateKey());
    const forged = signReading(stranger, {
      v: 1,
      seq: 1,
      ts: Date.now(),
      prev: new Uint8Array(32),
      m: { temp_c: 4 },
    });
    const outcome = client.publish(readings(device), forged.message).catch((error: unknown) => error);
    await closed;
    expect(isSimError(await outcome, SimErrorCode.ConnectionClosed)).toBe(true);
    expect(notices).toHaveLength(1);
    expect((notices[0] as Map<string, unknown>).get("code")).toBe("KID_MISMATCH");
    expect((notices[0] as Map<string, unknown>).get("id")).toBe(forged.messageId);
    expect(client.connected).toBe(false);
  });

  it("reports a refused CONNECT with its CONNACK return code: 4 for a replayed token, 5 for an unknown device", async () => {
    const device = await newDevice();
    const options = connectOptions(device);
    const first = createDeviceClient(kind);
    open.push(first);
    await first.connect(options);
    await first.close();
    const replay = createDeviceClient(kind);
    const replayed = await replay.connect(options).catch((error: unknown) => error);
    expect(isSimError(replayed, SimErrorCode.ConnectRefused)).toBe(true);
    expect((replayed as { details: { returnCode: number } }).details.returnCode).toBe(4);

    const unknown = deviceIdentityFromPrivateKey(generatePrivateKey());
    const refused = await createDeviceClient(kind)
      .connect(connectOptions(unknown))
      .catch((error: unknown) => error);
    expect((refused as { details: { returnCode: number } }).details.returnCode).toBe(5);
  });

  it("is refused a subscription outside its own subtree (SUBACK 0x80) and keeps its session", async () => {
    const device = await newDevice();
    const client = await connected(kind, device);
    const refused = await client.subscribe("devices/#").catch((error: unknown) => error);
    expect(isSimError(refused, SimErrorCode.SubscribeRefused)).toBe(true);
    expect(client.connected).toBe(true);
    await client.publish(readings(device), preSignReadings(device, 1).messages[0]!);
  });

  it("keeps an idle connection alive past 1.5 keep-alive periods (PINGREQ)", async () => {
    const device = await newDevice();
    // 2 s, not 1 s: the client pings after 1.5-2 s idle and the gateway drops it after 3 s, so an event-loop
    // stall of a loaded machine needs to exceed a second, not half of one, to fake a missed ping.
    const client = await connected(kind, device, 2);
    let closed = false;
    client.once("close", () => {
      closed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 3500)); // past the gateway's 1.5 × 2 s
    expect(closed).toBe(false);
    await client.publish(readings(device), preSignReadings(device, 1).messages[0]!);
  });

  it("closes cleanly with DISCONNECT and can connect again", async () => {
    const device = await newDevice();
    const client = await connected(kind, device);
    const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    await client.close();
    await closed;
    expect(client.connected).toBe(false);
    await client.connect(connectOptions(device));
    await client.publish(readings(device), preSignReadings(device, 1).messages[0]!);
  });
});
