// Sealtrail speaks MQTT 3.1.1 only (docs/protocol.md §9). A CONNECT for MQTT 3.1 ("MQIsdp", level 3) or
// MQTT 5 with a valid token is refused with CONNACK 1 "unacceptable protocol version" [MQTT-3.1.2-2], a
// log line and a metric, and whatever the device sends after it is never stored.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import mqttPacket from "mqtt-packet";
import {
  chain,
  closedWithin,
  connectDevice,
  counterValue,
  exampleIdentity,
  freshToken,
  publish,
  rawSocket,
  startTestGateway,
  type TestGateway,
} from "./gatewayKit.ts";

const device = exampleIdentity("protocol version device");
let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway({}, [device]);
});
afterAll(() => t.close());

/** CONNECT (with a valid token) and a signed reading in one write; the bytes received until the close. */
async function connectAndPublish(protocolId: "MQTT" | "MQIsdp", protocolVersion: 3 | 4 | 5): Promise<Buffer> {
  const socket = await rawSocket(t.port);
  const received: Buffer[] = [];
  socket.on("data", (chunk) => received.push(chunk));
  const connect = mqttPacket.generate({
    cmd: "connect",
    protocolId,
    protocolVersion,
    clean: true,
    clientId: device.address,
    username: device.address,
    password: freshToken(device),
    keepalive: 30,
  });
  const reading = mqttPacket.generate(
    {
      cmd: "publish",
      topic: `devices/${device.address}/readings`,
      payload: Buffer.from(chain(device, 1)[0]!),
      qos: 1,
      messageId: 1,
      retain: false,
      dup: false,
    },
    { protocolVersion },
  );
  socket.write(Buffer.concat([connect, reading]));
  expect(await closedWithin(socket, 10_000)).toBe("closed");
  return Buffer.concat(received);
}

describe("MQTT versions other than 3.1.1", () => {
  it.each([
    ["MQTT 3.1 (MQIsdp, level 3)", "MQIsdp", 3],
    ["MQTT 5 (level 5)", "MQTT", 5],
    ["protocol name MQIsdp with level 4", "MQIsdp", 4],
  ] as const)("refuses %s with CONNACK 1, a metric and stores nothing", async (_name, protocolId, level) => {
    const before = await counterValue(t.gateway.metrics.authFailures, { reason: "UNSUPPORTED_MQTT_VERSION" });
    const answer = await connectAndPublish(protocolId, level);
    expect(answer.toString("hex")).toBe("20020001"); // CONNACK, return code 1, then the close
    expect(await counterValue(t.gateway.metrics.authFailures, { reason: "UNSUPPORTED_MQTT_VERSION" })).toBe(
      before + 1,
    );
    expect(await t.store.listDeviceMessages(device.address)).toEqual([]);
  });

  it("still accepts the same device over MQTT 3.1.1", async () => {
    const client = await connectDevice(t.url, device);
    await publish(client, `devices/${device.address}/readings`, chain(device, 1)[0]!);
    client.end(true);
    expect((await t.store.listDeviceMessages(device.address)).map((m) => m.seq)).toEqual([1]);
  });
});
