// An acknowledgement means durable (DESIGN invariant 1), checked the hard way: devices publish under load
// while the gateway process is killed with SIGKILL at random moments, again and again. After each kill,
// every reading the devices saw acknowledged must be in the SQLite file; devices then resend what was not
// acknowledged, and at the end every reading is stored exactly once.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import Database from "better-sqlite3";
import mqtt, { type MqttClient } from "mqtt";
import {
  type DeviceIdentity,
  deviceIdentityFromPrivateKey,
  GENESIS_PREV,
  hexToBytes,
  keccak256,
  messageIdOf,
  signConnectToken,
  signReading,
} from "#protocol";
import { type GatewayChild, spawnGateway } from "./spawnGateway.ts";

const DEVICES = 12;
const PER_DEVICE = 1000;
const KILLS = 22;
/** PUBLISHes awaiting PUBACK per device. */
const WINDOW = 16;

const dir = mkdtempSync(join(tmpdir(), "sealtrail-kill9-"));
const dbPath = join(dir, "gateway.db");
const children: GatewayChild[] = [];
afterAll(() => {
  for (const c of children) c.child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

type Device = {
  identity: DeviceIdentity;
  messages: Uint8Array[];
  ids: string[];
  acked: boolean[];
  lastIat: number;
};

function makeDevice(i: number): Device {
  const identity = deviceIdentityFromPrivateKey(
    keccak256(new TextEncoder().encode(`EXAMPLE kill9 device ${i}`)),
  );
  const messages: Uint8Array[] = [];
  let prev: Uint8Array = GENESIS_PREV;
  for (let seq = 1; seq <= PER_DEVICE; seq++) {
    const signed = signReading(identity, {
      v: 1,
      seq,
      ts: Date.now() - 60_000 + seq,
      prev,
      m: { temp_c: seq / 100 },
    });
    prev = hexToBytes(signed.messageId, 32);
    messages.push(signed.message);
  }
  return {
    identity,
    messages,
    ids: messages.map((m) => messageIdOf(m)),
    acked: new Array(PER_DEVICE).fill(false),
    lastIat: 0,
  };
}

/**
 * Connects the device and publishes, in seq order, every message not yet acknowledged, keeping `WINDOW`
 * in flight, until all are acknowledged or the connection dies. Like firmware: a message counts as
 * stored only when its PUBACK arrived.
 */
function runDevice(device: Device, port: number, clients: MqttClient[]): Promise<void> {
  return new Promise((resolve) => {
    device.lastIat = Math.max(Math.floor(Date.now() / 1000), device.lastIat + 1);
    const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
      clientId: device.identity.address,
      username: device.identity.address,
      password: Buffer.from(signConnectToken(device.identity, device.lastIat)),
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 5_000,
    });
    clients.push(client);
    let dead = false;
    client.on("error", () => {});
    client.on("close", () => {
      dead = true;
      resolve();
    });
    client.on("connect", () => {
      const pending = device.acked.flatMap((a, i) => (a ? [] : [i]));
      if (pending.length === 0) {
        client.end(true);
        return;
      }
      let next = 0;
      let inFlight = 0;
      const pump = () => {
        while (!dead && inFlight < WINDOW && next < pending.length) {
          const index = pending[next++]!;
          inFlight++;
          client.publish(
            `devices/${device.identity.address}/readings`,
            Buffer.from(device.messages[index]!),
            { qos: 1 },
            (err) => {
              inFlight--;
              if (!err && !dead) device.acked[index] = true;
              if (!dead && next >= pending.length && inFlight === 0) {
                client.end(true);
                return;
              }
              pump();
            },
          );
        }
      };
      pump();
    });
  });
}

function storedIds(): { ids: Set<string>; rows: number; distinctSeqs: number } {
  // Opening the file after a kill -9 also recovers its WAL, as the restarted gateway will.
  const db = new Database(dbPath);
  try {
    const ids = (db.prepare("SELECT id FROM messages").pluck().all() as Buffer[]).map(
      (b) => `0x${b.toString("hex")}`,
    );
    const distinctSeqs = db
      .prepare("SELECT count(*) FROM (SELECT DISTINCT signer, seq FROM messages)")
      .pluck()
      .get() as number;
    return { ids: new Set(ids), rows: ids.length, distinctSeqs };
  } finally {
    db.close();
  }
}

describe("kill -9 under load", () => {
  it(`loses no acknowledged reading and duplicates none over ${KILLS} kills`, async () => {
    const devices = Array.from({ length: DEVICES }, (_, i) => makeDevice(i));
    const env = {
      SEALTRAIL_DEVICE_RATE: "100000",
      SEALTRAIL_DEVICE_BURST: "100000",
      SEALTRAIL_CONNECT_RATE_PER_IP: "100000",
      SEALTRAIL_CONNECT_BURST_PER_IP: "100000",
    };
    let killsUnderLoad = 0;
    const ackedBefore: number[] = [];
    for (let round = 0; round < KILLS; round++) {
      const gateway: GatewayChild = await spawnGateway(
        dbPath,
        devices.map((d) => d.identity),
        env,
      );
      children.push(gateway);
      const clients: MqttClient[] = [];
      const running = devices.map((d) => runDevice(d, gateway.port, clients));
      const acked = () => devices.reduce((n, d) => n + d.acked.filter(Boolean).length, 0);
      ackedBefore.push(acked());
      // Kill at a random moment once readings flow: after a random number of new acknowledgements.
      const target = ackedBefore[round]! + 20 + Math.floor(Math.random() * 200);
      const deadline = Date.now() + 10_000;
      while (acked() < target && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, Math.random() * 50));
      const unackedInFlight = devices.some((d) => d.acked.includes(false));
      gateway.child.kill("SIGKILL");
      await gateway.exited;
      await Promise.all(running);
      for (const c of clients) c.end(true);
      if (unackedInFlight && acked() > ackedBefore[round]!) killsUnderLoad++;

      const { ids, rows, distinctSeqs } = storedIds();
      const lost = devices.flatMap((d) => d.ids.filter((id, i) => d.acked[i] && !ids.has(id)));
      expect({ round, lost }).toEqual({ round, lost: [] });
      expect(distinctSeqs).toBe(rows);
    }
    // The last run: no kill; the devices resend whatever is left until everything is acknowledged.
    const gateway = await spawnGateway(
      dbPath,
      devices.map((d) => d.identity),
      env,
    );
    children.push(gateway);
    for (let attempt = 0; attempt < 5 && devices.some((d) => d.acked.includes(false)); attempt++) {
      const clients: MqttClient[] = [];
      await Promise.all(devices.map((d) => runDevice(d, gateway.port, clients)));
    }
    gateway.child.kill("SIGTERM");
    await gateway.exited;

    const all = devices.flatMap((d) => d.ids);
    const { ids, rows, distinctSeqs } = storedIds();
    expect(devices.every((d) => d.acked.every(Boolean))).toBe(true);
    expect(rows).toBe(all.length);
    expect(distinctSeqs).toBe(all.length);
    expect(all.filter((id) => !ids.has(id))).toEqual([]);
    // The kills happened while readings were flowing, not between bursts.
    expect(killsUnderLoad).toBe(KILLS);
  }, 300_000);
});
