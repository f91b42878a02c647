// The admin API's revoke and rotate, end to end: a real gateway (aedes on a TCP port, SQLite file), its API
// on another port sharing its store and registry (as the demo wires them), devices as mqtt.js clients.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { MqttClient } from "mqtt";
import { type RunningApi, startApi } from "#api";
import { bytesToHex, decodeCbor } from "#protocol";
import { checkedFetch, EXAMPLE_ADMIN_TOKEN } from "../../api/testing/index.ts";
import {
  chain,
  closeOf,
  connectDevice,
  exampleIdentity,
  publish,
  startTestGateway,
  type TestGateway,
} from "./gatewayKit.ts";

const revoked = exampleIdentity("api revocation revoked");
const rotatedOld = exampleIdentity("api revocation old key");
const rotatedNew = exampleIdentity("api revocation new key");

let t: TestGateway;
let api: RunningApi;

beforeAll(async () => {
  t = await startTestGateway({}, [revoked, rotatedOld]);
  api = await startApi({
    store: t.store,
    registry: t.gateway.registry,
    adminToken: EXAMPLE_ADMIN_TOKEN,
    anchorTargets: () => [],
    isReady: () => true,
    port: 0,
  });
});
afterAll(async () => {
  await api.close();
  await t.close();
});

const admin = (path: string, body?: unknown) =>
  checkedFetch(`${api.url}/api/v1${path}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${EXAMPLE_ADMIN_TOKEN}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** Subscribes to the device's errors topic; the codes it receives land in the returned array. */
async function refusalCodes(client: MqttClient, address: string): Promise<string[]> {
  const codes: string[] = [];
  await new Promise<void>((r) => client.subscribe(`devices/${address}/errors`, { qos: 0 }, () => r()));
  client.on("message", (_topic, body) =>
    codes.push(String((decodeCbor(new Uint8Array(body)) as Map<string, unknown>).get("code"))),
  );
  return codes;
}

describe("revoking and rotating through the admin API, seen by devices over MQTT", () => {
  it("When a device is revoked through the API, then its session is closed with REVOKED_DEVICE and it can no longer connect or publish", async () => {
    const client = await connectDevice(t.url, revoked);
    const [first] = chain(revoked, 1);
    await publish(client, `devices/${revoked.address}/readings`, first!);
    const codes = await refusalCodes(client, revoked.address);
    const closed = closeOf(client);

    const res = await admin(`/devices/${revoked.address}/revoke`);
    expect(res.status).toBe(200);
    await closed;
    expect(codes).toEqual(["REVOKED_DEVICE"]);
    client.end(true);

    await expect(connectDevice(t.url, revoked)).rejects.toThrow(/Not authorized/i);
    const stored = await t.store.listDeviceMessages(revoked.address);
    expect(stored.map((m) => m.seq)).toEqual([1]);
  });

  it("When a key is rotated through the API, then the old key is shut out and the new key connects and publishes as its own device", async () => {
    const oldClient = await connectDevice(t.url, rotatedOld);
    const codes = await refusalCodes(oldClient, rotatedOld.address);
    const closed = closeOf(oldClient);

    const res = await admin(`/devices/${rotatedOld.address}/rotate`, {
      publicKey: bytesToHex(rotatedNew.publicKey),
    });
    expect(res.status).toBe(201);
    await closed;
    expect(codes).toEqual(["REVOKED_DEVICE"]);
    oldClient.end(true);
    await expect(connectDevice(t.url, rotatedOld)).rejects.toThrow(/Not authorized/i);

    const newClient = await connectDevice(t.url, rotatedNew);
    await publish(newClient, `devices/${rotatedNew.address}/readings`, chain(rotatedNew, 1)[0]!);
    newClient.end(true);
    expect((await t.store.listDeviceMessages(rotatedNew.address)).map((m) => m.seq)).toEqual([1]);
    const device = await (await checkedFetch(`${api.url}/api/v1/devices/${rotatedNew.address}`)).json();
    expect(device).toMatchObject({ status: "active", rotatedFrom: rotatedOld.address });
  });
});
