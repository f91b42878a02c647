import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import {
  bytesToHex,
  decodeCbor,
  decodeCoseSign1,
  decodeReading,
  deviceIdentityFromPrivateKey,
  encodeCbor,
  GENESIS_PREV,
  keccak256,
} from "#protocol";
import { until } from "#test-support";
import { RawMqttClient } from "../clients/RawMqttClient.ts";
import { createPrng } from "../random/createPrng.ts";
import { createSensorSuite } from "../sensors/createSensorSuite.ts";
import { FakeBroker, type ReceivedPublish } from "../testing/FakeBroker.ts";
import { SimDevice, type SimDeviceOptions } from "./SimDevice.ts";

const identity = deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode("EXAMPLE sim device test")));
let broker: FakeBroker;
let dir: string;
const devices: SimDevice[] = [];

beforeEach(async () => {
  broker = await FakeBroker.start();
  dir = mkdtempSync(join(tmpdir(), "simdevice-"));
});
afterEach(async () => {
  await Promise.all(devices.splice(0).map((d) => d.close()));
  await broker.close();
  rmSync(dir, { recursive: true, force: true });
});

function device(overrides: Partial<SimDeviceOptions> = {}): SimDevice {
  const d = new SimDevice({
    identity,
    label: "box-1",
    dir,
    mqttUrl: broker.url,
    client: new RawMqttClient({ maxInflight: 16 }),
    sensors: createSensorSuite({ sensors: { temperature: {} }, periodS: 0.02 }, createPrng(1)),
    periodMs: 20,
    maxInflight: 4,
    backoff: { initialMs: 20, maxMs: 100, factor: 2, jitter: 0 },
    ...overrides,
  });
  devices.push(d);
  return d;
}
const readingsOf = (publishes: ReceivedPublish[]) =>
  publishes
    .filter((p) => p.topic.endsWith("/readings"))
    .map((p) => ({
      ...decodeReading(p.payload).reading,
      dup: p.dup,
      connection: p.connection,
      id: bytesToHex(keccak256(p.payload)),
    }));

describe("SimDevice", () => {
  it("subscribes to its errors topic before publishing, and signs a hash chain from seq 1", async () => {
    const d = device();
    await d.start();
    await until(() => d.stats().acknowledged >= 5);
    expect(broker.subscriptions).toEqual([`devices/${identity.address}/errors`]);
    const readings = readingsOf(broker.publishes);
    expect(readings[0]!.seq).toBe(1);
    expect(bytesToHex(readings[0]!.prev)).toBe(bytesToHex(GENESIS_PREV));
    for (let i = 1; i < readings.length; i++) {
      expect(readings[i]!.seq).toBe(i + 1);
      expect(bytesToHex(readings[i]!.prev)).toBe(readings[i - 1]!.id);
    }
  });

  it("keeps at most maxInflight readings awaiting PUBACK, then resends every unacknowledged one after a reconnect, oldest first, with DUP", async () => {
    broker.holdAcks = true;
    const d = device();
    await d.start();
    // Ten readings signed and the window's worth received (the CONNECT may finish after the first readings).
    await until(() => d.stats().produced >= 10 && broker.publishes.length >= 4);
    expect(readingsOf(broker.publishes).map((r) => r.seq)).toEqual([1, 2, 3, 4]); // the window is full
    broker.holdAcks = false;
    broker.dropConnections();
    await until(() => d.stats().connects >= 2 && d.stats().acknowledged >= 8);
    d.stopSampling();
    await d.drained();
    const second = readingsOf(broker.publishes).filter((r) => r.connection === 2);
    expect(second.slice(0, 4).map((r) => [r.seq, r.dup])).toEqual([
      [1, true],
      [2, true],
      [3, true],
      [4, true],
    ]);
    expect(second[4]).toMatchObject({ seq: 5, dup: false });
    expect(second.map((r) => r.seq)).toEqual(second.map((_, i) => i + 1)); // in order, no gap
    expect(d.stats().resent).toBe(4);
  });

  it("continues its chain after a reboot: seq, prev and the outbox were on disk before anything was published", async () => {
    broker.holdAcks = true;
    const first = device();
    await first.start();
    await until(() => first.stats().produced >= 6);
    await first.close();
    const produced = first.stats().produced;
    broker.holdAcks = false;
    const rebooted = device({ client: new RawMqttClient() });
    await rebooted.start();
    await until(() => rebooted.stats().produced >= 3);
    rebooted.stopSampling();
    await rebooted.drained();
    await rebooted.close();
    const after = readingsOf(broker.publishes).filter((r) => r.connection === broker.connects.length);
    expect(after.slice(0, produced).map((r) => r.seq)).toEqual(
      Array.from({ length: produced }, (_, i) => i + 1),
    );
    expect(after.slice(0, produced).every((r) => r.dup)).toBe(true); // maybe sent before the reboot
    const fresh = after[produced]!;
    expect(fresh.seq).toBe(produced + 1);
    expect(bytesToHex(fresh.prev)).toBe(after[produced - 1]!.id);
  });

  it("drops a reading the gateway refused for good (kept in refused/), counts the reason and moves on", async () => {
    let refusedOnce = false;
    broker.onPublish = (publish, b) => {
      const reading = decodeReading(publish.payload).reading;
      if (reading.seq !== 2 || refusedOnce) return true;
      refusedOnce = true;
      const id = bytesToHex(keccak256(publish.payload));
      b.sendToClients(
        `devices/${identity.address}/errors`,
        encodeCbor(
          new Map<string, unknown>([
            ["id", id],
            ["code", "BAD_SIGNATURE"],
            ["detail", "test"],
          ]),
        ),
      );
      setTimeout(() => b.dropConnections(), 20);
      return false;
    };
    const d = device({ maxInflight: 1 });
    await d.start();
    await until(() => d.stats().connects >= 2 && d.stats().acknowledged >= 4);
    expect(d.stats().refused).toEqual({ BAD_SIGNATURE: 1 });
    const refusedFile = join(dir, "outbox", "refused", "000000000002.cose");
    await until(() => existsSync(refusedFile)); // the move to refused/ finishes in the background
    expect(readdirSync(join(dir, "outbox", "refused"))).toEqual(["000000000002.cose"]);
    expect(readingsOf(broker.publishes).filter((r) => r.seq === 2)).toHaveLength(1); // never resent
  });

  it("halts on EQUIVOCATION: stops sampling and does not reconnect", async () => {
    broker.onPublish = (publish, b) => {
      b.sendToClients(
        `devices/${identity.address}/errors`,
        encodeCbor(
          new Map<string, unknown>([
            ["id", bytesToHex(keccak256(publish.payload))],
            ["code", "EQUIVOCATION"],
            ["detail", "test"],
          ]),
        ),
      );
      setTimeout(() => b.dropConnections(), 10);
      return false;
    };
    const sensors = createSensorSuite({ sensors: { temperature: {} }, periodS: 0.02 }, createPrng(1));
    const d = device({ sensors });
    await d.start();
    await until(() => d.stats().halted);
    const sampled = sensors.taken; // the halt stops the sampler at once: no reading is taken after it
    // Readings taken before the halt may still be being signed and written: wait until all of them landed.
    await until(() => d.stats().produced + d.stats().skipped === sampled);
    const produced = d.stats().produced;
    await new Promise((resolve) => setTimeout(resolve, 300)); // 15 sampling periods, 3+ reconnect delays
    expect(sensors.taken).toBe(sampled);
    expect(d.stats().produced).toBe(produced);
    expect(broker.connects).toHaveLength(1);
  });

  it("pauses sampling when the outbox is full instead of signing readings it would have to drop", async () => {
    const d = device({ maxBuffered: 3 });
    await broker.close(); // nobody to talk to
    await d.start();
    await until(() => d.stats().skipped >= 3 && d.stats().connectFailures >= 1);
    expect(d.stats()).toMatchObject({ produced: 3, buffered: 3, acknowledged: 0 });
    expect(d.stats().connectFailures).toBeGreaterThanOrEqual(1);
    broker = await FakeBroker.start(); // for afterEach
  });

  it("adds its clock skew to every ts and to the CONNECT token's iat", async () => {
    const skewMs = 120_000;
    const d = device({ clockSkewMs: skewMs });
    const before = Date.now();
    await d.start();
    await until(() => d.stats().acknowledged >= 1);
    const ts = readingsOf(broker.publishes)[0]!.ts;
    expect(ts).toBeGreaterThanOrEqual(before + skewMs);
    expect(ts).toBeLessThan(Date.now() + skewMs + 1000);
    const token = decodeCoseSign1(new Uint8Array(broker.connects[0]!.password!));
    const iat = (decodeCbor(token.payload) as Map<string, unknown>).get("iat") as number;
    expect(iat).toBeGreaterThanOrEqual(Math.floor((before + skewMs) / 1000));
  });
});
