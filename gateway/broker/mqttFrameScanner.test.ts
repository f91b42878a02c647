import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import mqttPacket from "mqtt-packet";
import { MqttFrameScanner } from "./mqttFrameScanner.ts";

const connect = mqttPacket.generate({
  cmd: "connect",
  protocolId: "MQTT",
  protocolVersion: 4,
  clean: true,
  clientId: "0x0000000000000000000000000000000000000001",
  keepalive: 30,
});
const publish = (bytes: number) =>
  mqttPacket.generate({
    cmd: "publish",
    topic: "devices/x/readings",
    payload: Buffer.alloc(bytes, 7),
    qos: 1,
    messageId: 1,
    retain: false,
    dup: false,
  });
const subscribe = mqttPacket.generate({
  cmd: "subscribe",
  messageId: 2,
  subscriptions: [{ topic: "devices/x/errors", qos: 0 }],
});
const ping = mqttPacket.generate({ cmd: "pingreq" });
const disconnect = mqttPacket.generate({ cmd: "disconnect" });

function feedAll(scanner: MqttFrameScanner, chunks: Uint8Array[]) {
  for (const c of chunks) {
    const refusal = scanner.feed(c);
    if (refusal) return refusal;
  }
  return undefined;
}

describe("MqttFrameScanner", () => {
  it("accepts a well-formed client session, whatever the chunking", () => {
    const stream = Buffer.concat([connect, subscribe, publish(200), publish(4000), ping, disconnect]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 20 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks: Uint8Array[] = [];
        let from = 0;
        for (const p of [...points, stream.length]) {
          chunks.push(stream.subarray(from, p));
          from = p;
        }
        const scanner = new MqttFrameScanner(4096 + 256);
        expect(feedAll(scanner, chunks)).toBeUndefined();
        expect(scanner.packetCount).toBe(6);
      }),
    );
  });

  it("refuses a packet declaring more than the maximum as soon as its length bytes arrive", () => {
    const scanner = new MqttFrameScanner(4352);
    expect(scanner.feed(connect)).toBeUndefined();
    // PUBLISH QoS 1 declaring 268,435,455 bytes (the MQTT maximum); not one byte of body sent.
    expect(scanner.feed(Uint8Array.from([0x32, 0xff, 0xff, 0xff, 0x7f]))).toEqual({
      code: "FRAME_TOO_LARGE",
      detail: "packet declares more than 4352 bytes",
    });
  });

  it("refuses an oversized packet split byte by byte, at the first length byte that exceeds the maximum", () => {
    const scanner = new MqttFrameScanner(1000);
    scanner.feed(connect);
    expect(scanner.feed(Uint8Array.of(0x32))).toBeUndefined();
    expect(scanner.feed(Uint8Array.of(0xe9))).toBeUndefined(); // 105 so far
    expect(scanner.feed(Uint8Array.of(0x07))?.code).toBe("FRAME_TOO_LARGE"); // 105 + 7·128 = 1001
  });

  it("refuses an oversized CONNECT before anything else", () => {
    expect(new MqttFrameScanner(4352).feed(Uint8Array.from([0x10, 0x80, 0x80, 0x04]))?.code).toBe(
      "FRAME_TOO_LARGE",
    );
  });

  it("accepts a packet of exactly the maximum", () => {
    const scanner = new MqttFrameScanner(publish(4000).length - 3);
    scanner.feed(connect);
    expect(scanner.feed(publish(4000))).toBeUndefined();
  });

  it.each([
    ["a first packet that is not CONNECT [MQTT-3.1.0-1]", [publish(10)]],
    ["a second CONNECT [MQTT-3.1.0-2]", [connect, connect]],
    ["reserved packet type 0", [connect, Uint8Array.of(0x00, 0x00)]],
    ["reserved packet type 15", [connect, Uint8Array.of(0xf0, 0x00)]],
    ["a CONNACK sent by a client", [connect, Uint8Array.of(0x20, 0x02, 0x00, 0x00)]],
    ["a PUBLISH with QoS 3 [MQTT-3.3.1-4]", [connect, Uint8Array.of(0x36, 0x00)]],
    ["a SUBSCRIBE with flags other than 0010 [MQTT-3.8.1-1]", [connect, Uint8Array.of(0x80, 0x00)]],
    ["a PINGREQ with flags set [MQTT-2.2.2-2]", [connect, Uint8Array.of(0xc1, 0x00)]],
    ["a remaining length of five bytes", [connect, Uint8Array.of(0xc0, 0x80, 0x80, 0x80, 0x80, 0x01)]],
    ["ASCII garbage", [Buffer.from("GET / HTTP/1.1\r\n\r\n")]],
  ])("refuses %s as MALFORMED_FRAME", (_name, chunks) => {
    const scanner = new MqttFrameScanner(1 << 20);
    expect(feedAll(scanner, chunks as Uint8Array[])?.code).toBe("MALFORMED_FRAME");
  });

  it("never throws on random bytes, and refuses or accepts them in bounded work", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.uint8Array({ maxLength: 512 }), (a, b) => {
        const scanner = new MqttFrameScanner(4352);
        const refusal = feedAll(scanner, [a, b]);
        if (refusal) expect(["FRAME_TOO_LARGE", "MALFORMED_FRAME"]).toContain(refusal.code);
      }),
    );
  });
});
