// Hostile devices against a real gateway (real MQTT socket, real SQLite file): CONNECT, topics, message
// checks, replays, rate limits, revocation. Each refusal must come with its reason code (errors topic when
// connected, metrics, logs), store nothing and leave the other devices alone.
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { MqttClient } from "mqtt";
import { metricsHandler } from "#gateway";
import {
  addressToBytes,
  assembleCoseSign1,
  type DeviceIdentity,
  decodeCbor,
  encodeCbor,
  encodeProtectedHeader,
  GENESIS_PREV,
  messageIdOf,
  signConnectToken,
  signCoseSign1,
  signDigest,
  signingDigest,
  toHighS,
} from "#protocol";
import {
  chain,
  closedWithin,
  closeOf,
  connectDevice,
  connectPacket,
  counterValue,
  exampleIdentity,
  nextIat,
  publish,
  rawSocket,
  refusalFor,
  startTestGateway,
  type TestGateway,
} from "./gatewayKit.ts";

const alice = exampleIdentity("security alice");
const bob = exampleIdentity("security bob");
const mallory = exampleIdentity("security mallory");
const revoked = exampleIdentity("security revoked");
const stranger = exampleIdentity("security stranger");

let t: TestGateway;
const clients: MqttClient[] = [];

beforeAll(async () => {
  t = await startTestGateway({ revocationPollMs: 100 }, [alice, bob, mallory, revoked]);
  await t.gateway.registry.revoke(revoked.address);
});
afterAll(async () => {
  for (const c of clients) c.end(true);
  await t.close();
});

async function live(id: DeviceIdentity): Promise<MqttClient> {
  const client = await connectDevice(t.url, id);
  clients.push(client);
  return client;
}

/** A COSE_Sign1 over `payload` by `signer`, with the given protected header bytes (default: ES256K + kid). */
function signedWith(signer: DeviceIdentity, payload: Uint8Array, protectedBytes?: Uint8Array): Uint8Array {
  const p = protectedBytes ?? encodeProtectedHeader(addressToBytes(signer.address));
  return assembleCoseSign1(p, payload, signDigest(signingDigest(p, payload), signer.privateKey));
}

const payloadMap = (entries: [string, unknown][]) => encodeCbor(new Map(entries));
const validEntries = (seq = 1, ts = Date.now()): [string, unknown][] => [
  ["v", 1],
  ["seq", seq],
  ["ts", ts],
  ["prev", GENESIS_PREV],
  ["m", new Map([["temp_c", 4.5]])],
];

async function stored(id: DeviceIdentity) {
  return t.store.listDeviceMessages(id.address);
}

describe("CONNECT", () => {
  it.each([
    ["an unknown device", () => ({ id: stranger }), /Not authorized/i, "UNKNOWN_DEVICE"],
    ["a revoked device", () => ({ id: revoked }), /Not authorized/i, "REVOKED_DEVICE"],
    [
      "a token that is not a COSE_Sign1",
      () => ({ id: alice, password: Buffer.from("hunter2") }),
      /Bad username or password/i,
      "MALFORMED_COSE",
    ],
    [
      "an expired token (iat 20 minutes ago)",
      () => ({
        id: alice,
        password: Buffer.from(signConnectToken(alice, Math.floor(Date.now() / 1000) - 1200)),
      }),
      /Bad username or password/i,
      "EXPIRED_TOKEN",
    ],
    [
      "a token whose cid names another client",
      () => {
        const claims = encodeCbor(
          new Map<string, unknown>([
            ["aud", "sealtrail"],
            ["iat", nextIat(alice)],
            ["cid", bob.address],
          ]),
        );
        return {
          id: alice,
          password: Buffer.from(signCoseSign1(alice.privateKey, addressToBytes(alice.address), claims)),
        };
      },
      /Bad username or password/i,
      "INVALID_TOKEN",
    ],
    [
      "a token signed by another device",
      () => ({ id: alice, password: Buffer.from(signConnectToken(bob, nextIat(bob))) }),
      /Bad username or password/i,
      "KID_MISMATCH",
    ],
    [
      "a username that is not the clientId",
      () => ({ id: alice, username: bob.address }),
      /Bad username or password/i,
      "USERNAME_MISMATCH",
    ],
    [
      "a clientId that is not an address",
      () => ({ id: alice, clientId: "sensor-1" }),
      /Identifier rejected/i,
      "CLIENT_ID_NOT_ADDRESS",
    ],
  ])("refuses %s with a CONNACK return code and counts the reason", async (_name, make, message, reason) => {
    const { id, ...overrides } = make() as {
      id: DeviceIdentity;
      password?: Buffer;
      username?: string;
      clientId?: string;
    };
    const before = await counterValue(t.gateway.metrics.authFailures, { reason });
    await expect(connectDevice(t.url, id, overrides)).rejects.toThrow(message);
    expect(await counterValue(t.gateway.metrics.authFailures, { reason })).toBe(before + 1);
  });

  it("refuses a replayed token, and an older one", async () => {
    const token = Buffer.from(signConnectToken(alice, nextIat(alice)));
    (await connectDevice(t.url, alice, { password: token })).end(true);
    await expect(connectDevice(t.url, alice, { password: token })).rejects.toThrow(
      /Bad username or password/i,
    );
    const older = Buffer.from(signConnectToken(alice, nextIat(alice) - 10));
    await expect(connectDevice(t.url, alice, { password: older })).rejects.toThrow(
      /Bad username or password/i,
    );
  });

  it("never lets a failed login with a device's clientId disconnect that device, nor publish its Will", async () => {
    const device = await live(alice);
    const notices: Buffer[] = [];
    await new Promise<void>((r) =>
      device.subscribe(`devices/${alice.address}/errors`, { qos: 0 }, () => r()),
    );
    device.on("message", (_t, body) => notices.push(body));
    const published: string[] = [];
    t.gateway.broker!.on("publish", (packet) => published.push(packet.topic));
    let closed = false;
    device.once("close", () => {
      closed = true;
    });
    await expect(
      connectDevice(t.url, alice, {
        password: Buffer.from(signConnectToken(mallory, nextIat(mallory))),
        will: {
          topic: `devices/${alice.address}/errors`,
          payload: Buffer.from("forged"),
          qos: 0,
          retain: false,
        },
      }),
    ).rejects.toThrow(/Bad username or password/i);
    await new Promise((r) => setTimeout(r, 200));
    expect(closed).toBe(false);
    expect(notices).toEqual([]);
    expect(published.filter((topic) => topic.startsWith("devices/"))).toEqual([]);
    await publish(device, `devices/${alice.address}/readings`, chain(alice, 1)[0]!);
    device.end(true);
  });

  it("drops the Will of a device that connects: nothing is published when its connection dies", async () => {
    const before = await counterValue(t.gateway.metrics.wills);
    const published: string[] = [];
    t.gateway.broker!.on("publish", (packet) => published.push(packet.topic));
    const broker = t.gateway.broker!;
    const gone = new Promise<void>((resolve) => {
      const onDisconnect = (client: { id: string }) => {
        if (client.id !== bob.address) return;
        broker.off("clientDisconnect", onDisconnect);
        resolve();
      };
      broker.on("clientDisconnect", onDisconnect);
    });
    const socket = await rawSocket(t.port);
    socket.write(
      connectPacket(bob, {
        will: { topic: `devices/${bob.address}/errors`, payload: Buffer.from("bye"), qos: 0, retain: false },
      }),
    );
    await once(socket, "data"); // CONNACK 0
    socket.destroy(); // an abrupt end: the moment a Will would be published
    await gone; // the gateway has seen the connection die (aedes hands a Will to publish just before)
    await new Promise((r) => setTimeout(r, 200)); // time for that publication to show, had there been one
    expect(published.filter((topic) => topic.startsWith("devices/"))).toEqual([]);
    expect(await counterValue(t.gateway.metrics.wills)).toBe(before + 1);
  });
});

describe("publish and subscribe ACL", () => {
  it.each([
    ["$SYS", "$SYS/broker/clients"],
    ["another device's readings", `devices/${bob.address}/readings`],
    ["its own errors topic", `devices/${mallory.address}/errors`],
    [
      "a checksummed (non-lowercase) own topic",
      `devices/${mallory.address.toUpperCase().replace("0X", "0x")}/readings`,
    ],
  ])("refuses a PUBLISH to %s with NOT_AUTHORIZED_TOPIC, stores nothing", async (_name, topic) => {
    expect(await refusalFor(t.url, mallory, chain(mallory, 1)[0]!, topic)).toBe("NOT_AUTHORIZED_TOPIC");
    expect(await stored(mallory)).toEqual([]);
  });

  it.each([
    ["a wildcard topic", "devices/+/readings"],
    ["a topic deeper than the limit", "devices/a/b/c/d/e/f/g/h/i"],
  ])("closes the connection on a PUBLISH to %s and counts INVALID_TOPIC", async (_name, topic) => {
    const before = await counterValue(t.gateway.metrics.refused, { reason: "INVALID_TOPIC" });
    const client = await connectDevice(t.url, mallory);
    const closed = closeOf(client);
    // mqtt.js refuses to send wildcard topics itself, so write the PUBLISH raw.
    (client as unknown as { _sendPacket(p: unknown): void })._sendPacket({
      cmd: "publish",
      topic,
      payload: Buffer.from(chain(mallory, 1)[0]!),
      qos: 1,
      messageId: 9,
      retain: false,
      dup: false,
    });
    await closed;
    client.end(true);
    expect(await counterValue(t.gateway.metrics.refused, { reason: "INVALID_TOPIC" })).toBe(before + 1);
    expect(await stored(mallory)).toEqual([]);
  });

  it("grants a SUBSCRIBE only inside the device's own subtree; the session stays up", async () => {
    const client = await live(mallory);
    const filters = [
      "#",
      "$SYS/#",
      "devices/+/errors",
      `devices/${bob.address}/errors`,
      "+/+/readings",
      `devices/${mallory.address}/errors`,
      `devices/${mallory.address}/#`,
    ];
    // mqtt.js reports a SUBACK with any failure code as an error carrying the SUBACK.
    const granted = await new Promise<number[]>((resolve) =>
      client.subscribe(filters, { qos: 0 }, (err) =>
        resolve((err as unknown as { packet: { granted: number[] } }).packet.granted),
      ),
    );
    expect(granted).toEqual([128, 128, 128, 128, 128, 0, 0]);
    expect(client.connected).toBe(true);
    client.end(true);
  });
});

describe("message checks", () => {
  const nested = (depth: number) =>
    Buffer.concat([Buffer.from([0xd2]), Buffer.alloc(depth, 0x81), Buffer.from([0x00])]);
  const tagged = () => {
    // A valid payload whose ts is wrapped in tag 1 (epoch date): tags are outside the accepted CBOR.
    const bytes = Buffer.from(payloadMap(validEntries(1, 1_763_700_000_000)));
    const at = bytes.indexOf(Buffer.from([0x62, 0x74, 0x73])) + 3;
    return Buffer.concat([bytes.subarray(0, at), Buffer.from([0xc1]), bytes.subarray(at)]);
  };
  const cases: [string, () => Uint8Array, string][] = [
    ["an indefinite-length array (9f)", () => Uint8Array.of(0x9f), "MALFORMED_COSE"],
    [
      "a COSE_Sign1 that is an indefinite array (d2 9f)",
      () => Uint8Array.of(0xd2, 0x9f, 0xff),
      "UNSUPPORTED_CBOR",
    ],
    [
      "an array declaring 20 million items (9a01312d00)",
      () => Uint8Array.of(0xd2, 0x9a, 0x01, 0x31, 0x2d, 0x00),
      "MALFORMED_CBOR",
    ],
    ["4,000 nested arrays", () => nested(4000), "UNSUPPORTED_CBOR"],
    [
      "a __proto__ key in the payload",
      () => signedWith(mallory, payloadMap([...validEntries(), ["__proto__", 1]])),
      "INVALID_PAYLOAD",
    ],
    [
      "a __proto__ measurement",
      () =>
        signedWith(mallory, payloadMap([...validEntries().slice(0, 4), ["m", new Map([["__proto__", 1]])]])),
      "INVALID_PAYLOAD",
    ],
    ["an unknown tag", () => signedWith(mallory, tagged()), "UNSUPPORTED_CBOR"],
    [
      "alg ES256 (-7) instead of ES256K",
      () =>
        signedWith(
          mallory,
          payloadMap(validEntries()),
          encodeCbor(
            new Map<number, unknown>([
              [1, -7],
              [4, addressToBytes(mallory.address)],
            ]),
          ),
        ),
      "UNSUPPORTED_ALG",
    ],
    [
      "a kid naming another device",
      () =>
        signedWith(mallory, payloadMap(validEntries()), encodeProtectedHeader(addressToBytes(bob.address))),
      "KID_MISMATCH",
    ],
    [
      "a high-S signature",
      () => {
        const raw = signedWith(mallory, payloadMap(validEntries()));
        const out = raw.slice();
        out.set(toHighS(raw.subarray(raw.length - 64)), raw.length - 64);
        return out;
      },
      "HIGH_S",
    ],
    [
      "a signature by another key",
      () =>
        signedWith(bob, payloadMap(validEntries()), encodeProtectedHeader(addressToBytes(mallory.address))),
      "BAD_SIGNATURE",
    ],
    [
      "a payload without prev",
      () => signedWith(mallory, payloadMap(validEntries().filter(([k]) => k !== "prev"))),
      "INVALID_PAYLOAD",
    ],
    [
      "payload version 2",
      () => signedWith(mallory, payloadMap([["v", 2], ...validEntries().slice(1)])),
      "UNSUPPORTED_VERSION",
    ],
    [
      "a ts ten minutes ahead of the server clock",
      () => signedWith(mallory, payloadMap(validEntries(1, Date.now() + 600_000))),
      "CLOCK_SKEW",
    ],
  ];

  it.each(cases)(
    "refuses %s with its code on the errors topic, disconnects, stores nothing",
    async (_name, make, code) => {
      const before = await counterValue(t.gateway.metrics.refused, { reason: code });
      expect(await refusalFor(t.url, mallory, make())).toBe(code);
      expect(await counterValue(t.gateway.metrics.refused, { reason: code })).toBe(before + 1);
      expect(await stored(mallory)).toEqual([]);
    },
  );

  it("closes the socket of a reading larger than the packet limit (200k nested arrays) without decoding it", async () => {
    const client = await connectDevice(t.url, mallory);
    client.on("error", () => {}); // the gateway resets the connection mid-write: ECONNRESET
    const before = await counterValue(t.gateway.metrics.refused, { reason: "FRAME_TOO_LARGE" });
    const closed = closeOf(client);
    client.publish(`devices/${mallory.address}/readings`, nested(200_000), { qos: 1 });
    await closed;
    client.end(true);
    expect(await counterValue(t.gateway.metrics.refused, { reason: "FRAME_TOO_LARGE" })).toBe(before + 1);
    expect(await stored(mallory)).toEqual([]);
  });

  it("refuses QoS 0 and QoS 2 readings with QOS_NOT_SUPPORTED", async () => {
    expect(await refusalFor(t.url, mallory, chain(mallory, 1)[0]!, undefined, 0)).toBe("QOS_NOT_SUPPORTED");
    expect(await refusalFor(t.url, mallory, chain(mallory, 1)[0]!, undefined, 2)).toBe("QOS_NOT_SUPPORTED");
  });

  it("stores the server receive time next to the device clock", async () => {
    const ts = Date.now() - 3_600_000; // buffered offline for an hour: accepted
    const raw = chain(bob, 1, 1, ts)[0]!;
    const before = Date.now();
    const client = await live(bob);
    await publish(client, `devices/${bob.address}/readings`, raw);
    const message = await t.store.getMessage(messageIdOf(raw));
    expect(message?.deviceTs).toBe(ts + 1);
    expect(message?.receivedAt).toBeGreaterThanOrEqual(before);
    expect(message?.receivedAt).toBeLessThanOrEqual(Date.now());
    client.end(true);
  });
});

describe("replays", () => {
  it("acknowledges an identical message again and stores it once", async () => {
    const client = await live(alice);
    const [first] = chain(alice, 1, 2);
    await publish(client, `devices/${alice.address}/readings`, first!);
    const duplicates = await counterValue(t.gateway.metrics.duplicates);
    await publish(client, `devices/${alice.address}/readings`, first!);
    await publish(client, `devices/${alice.address}/readings`, first!);
    expect((await stored(alice)).filter((m) => m.seq === 2)).toHaveLength(1);
    expect(await counterValue(t.gateway.metrics.duplicates)).toBe(duplicates + 2);
    client.end(true);
  });

  it("refuses equivocation (same seq, other bytes), flags the device and counts it", async () => {
    const client = await live(alice);
    await publish(client, `devices/${alice.address}/readings`, chain(alice, 1, 3)[0]!);
    client.end(true);
    const before = await counterValue(t.gateway.metrics.equivocations);
    const other = chain(alice, 1, 3, Date.now() - 5000)[0]!; // seq 3, different ts: different bytes
    expect(await refusalFor(t.url, alice, other)).toBe("EQUIVOCATION");
    expect(await counterValue(t.gateway.metrics.equivocations)).toBe(before + 1);
    expect((await stored(alice)).filter((m) => m.seq === 3)).toHaveLength(1);
    expect((await t.store.getDevice(alice.address))?.flaggedAt).not.toBeNull();
  });
});

describe("rate limits", () => {
  it("refuses a device publishing above its rate with RATE_LIMITED, and not its neighbour", async () => {
    // One token per 1000 s: the bucket cannot refill during the test, however slowly the machine runs.
    const limited = await startTestGateway({ deviceRatePerSecond: 0.001, deviceRateBurst: 3 }, [alice, bob]);
    try {
      const noisy = await connectDevice(limited.url, alice);
      const codes: string[] = [];
      await new Promise<void>((r) =>
        noisy.subscribe(`devices/${alice.address}/errors`, { qos: 0 }, () => r()),
      );
      noisy.on("message", (_t, body) =>
        codes.push(String((decodeCbor(new Uint8Array(body)) as Map<string, unknown>).get("code"))),
      );
      const closed = closeOf(noisy);
      const readings = chain(alice, 5);
      for (const r of readings.slice(0, 3)) await publish(noisy, `devices/${alice.address}/readings`, r);
      noisy.publish(`devices/${alice.address}/readings`, Buffer.from(readings[3]!), { qos: 1 });
      await closed;
      noisy.end(true);
      expect(codes).toEqual(["RATE_LIMITED"]);
      expect((await limited.store.listDeviceMessages(alice.address)).map((m) => m.seq)).toEqual([1, 2, 3]);
      const calm = await connectDevice(limited.url, bob);
      await publish(calm, `devices/${bob.address}/readings`, chain(bob, 1)[0]!);
      calm.end(true);
    } finally {
      await limited.close();
    }
  });

  it("refuses CONNECTs from an IP address above its connection rate, without a CONNACK", async () => {
    const limited = await startTestGateway({ connectRatePerIpPerSecond: 0.01, connectBurstPerIp: 2 }, [
      alice,
      bob,
    ]);
    try {
      (await connectDevice(limited.url, alice)).end(true);
      (await connectDevice(limited.url, bob)).end(true);
      const socket = await rawSocket(limited.port);
      const answer: Buffer[] = [];
      socket.on("data", (d) => answer.push(d));
      socket.write(connectPacket(alice));
      expect(await closedWithin(socket, 10_000)).toBe("closed"); // at once, in fact: a generous bound
      expect(answer).toEqual([]);
      expect(
        await counterValue(limited.gateway.metrics.authFailures, { reason: "CONNECTION_RATE_LIMITED" }),
      ).toBe(1);
    } finally {
      await limited.close();
    }
  });
});

describe("revocation", () => {
  it("closes a live session when the key is revoked through the registry, with a REVOKED_DEVICE notice", async () => {
    const device = exampleIdentity("security revoke-1");
    await t.gateway.registry.register(device.publicKey, "revoke-1");
    const client = await connectDevice(t.url, device);
    const codes: string[] = [];
    await new Promise<void>((r) =>
      client.subscribe(`devices/${device.address}/errors`, { qos: 0 }, () => r()),
    );
    client.on("message", (_t, body) =>
      codes.push(String((decodeCbor(new Uint8Array(body)) as Map<string, unknown>).get("code"))),
    );
    const closed = closeOf(client);
    await t.gateway.registry.revoke(device.address);
    await closed;
    expect(codes).toEqual(["REVOKED_DEVICE"]);
    client.end(true);
  });

  it("closes a live session within 5 s when another process revokes the key in the shared store", async () => {
    const device = exampleIdentity("security revoke-2");
    await t.gateway.registry.register(device.publicKey, "revoke-2");
    const client = await connectDevice(t.url, device);
    const closed = closeOf(client);
    await t.store.revokeDevice(device.address, Date.now()); // not through this gateway's registry
    const outcome = await Promise.race([
      closed.then(() => "closed"),
      new Promise((r) => setTimeout(() => r("open"), 5000)),
    ]);
    expect(outcome).toBe("closed");
    client.end(true);
    await expect(connectDevice(t.url, device)).rejects.toThrow(/Not authorized/i);
  });
});

describe("metrics", () => {
  it("serves accepted, refused by reason, PUBACK latency, queue depths, connected devices, verify pool and inline check figures", async () => {
    const server = createServer(metricsHandler(t.gateway.metrics));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.headers.get("content-type")).toMatch(/text\/plain/);
      const text = await response.text();
      for (const name of [
        "sealtrail_readings_accepted_total",
        'sealtrail_refused_total{reason="BAD_SIGNATURE"}',
        'sealtrail_connect_refused_total{reason="UNKNOWN_DEVICE"}',
        "sealtrail_puback_latency_seconds_bucket",
        'sealtrail_ingest_queue_depth{stage="committing"}',
        "sealtrail_connected_devices",
        "sealtrail_verify_pool_size 1",
        "sealtrail_verify_pool_utilisation",
        "sealtrail_verify_pool_busy_seconds_total",
        'sealtrail_verifier_info{verifier="native",libsecp256k1="',
      ]) {
        expect(text).toContain(name);
      }
      // An idle test gateway's event loop has room: its readings were checked on the main thread.
      expect(Number(/^sealtrail_verify_inline_readings_total (\d+)/m.exec(text)?.[1])).toBeGreaterThan(0);
      // CI installs libsecp256k1-dev and builds its addon: the gateway must be running on it.
      if (process.env.CI === "true") expect(text).toContain('libsecp256k1="system ');
    } finally {
      server.close();
    }
  });
});
