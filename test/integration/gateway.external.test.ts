// External broker mode: two gateways consume one Mosquitto through the shared subscription
// $share/sealtrail/devices/+/readings and acknowledge each reading to the broker only after their durable
// write. One gateway is killed (SIGKILL) mid-stream and restarted with the same client id: every reading
// the devices published ends up stored exactly once across the two gateways' stores.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import Database from "better-sqlite3";
import mqtt, { type MqttClient } from "mqtt";
import { decodeCbor, messageIdOf } from "#protocol";
import { type GatewayChild, spawnGateway } from "../reliability/spawnGateway.ts";
import { chain, exampleIdentity } from "./gatewayKit.ts";

const MOSQUITTO = "/usr/sbin/mosquitto";
const available = existsSync(MOSQUITTO);
if (!available) {
  if (process.env.CI === "true")
    throw new Error(`${MOSQUITTO} is missing: CI must install the Debian package mosquitto`);
  console.warn(
    `\n*** SKIPPING the external broker suite: ${MOSQUITTO} not found. Install it with: apt-get install -y mosquitto ***\n`,
  );
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForPort(port: number, alive: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && alive()) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = netConnect({ host: "127.0.0.1", port });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

function storedIds(path: string): string[] {
  if (!existsSync(path)) return [];
  const db = new Database(path);
  try {
    return (db.prepare("SELECT id FROM messages").pluck().all() as Buffer[]).map(
      (b) => `0x${b.toString("hex")}`,
    );
  } finally {
    db.close();
  }
}

const devices = Array.from({ length: 4 }, (_, i) => exampleIdentity(`external device ${i}`));
const PER_DEVICE = 250;

(available ? describe : describe.skip)("external broker mode (Mosquitto, shared subscription)", () => {
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-external-"));
  let mosquitto: ChildProcess;
  let url: string;
  const gateways: GatewayChild[] = [];

  beforeAll(async () => {
    // The port is free when picked but Mosquitto binds it only later: should another process take it
    // meanwhile, Mosquitto exits at once ("Address already in use") and the next attempt picks another.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const config = join(dir, "mosquitto.conf");
      writeFileSync(
        config,
        [
          `listener ${port} 127.0.0.1`,
          "allow_anonymous true",
          "persistence false",
          // A stopped gateway's sessions hold its share of readings until it is back: do not drop any.
          "max_queued_messages 0",
          "log_dest stderr",
          "log_type error",
          "",
        ].join("\n"),
      );
      const child = spawn(MOSQUITTO, ["-c", config], { stdio: ["ignore", "ignore", "inherit"] });
      mosquitto = child;
      try {
        await waitForPort(port, () => child.exitCode === null && child.signalCode === null);
        // Listening, and it is Mosquitto that listens (it would have exited otherwise).
        await new Promise((r) => setTimeout(r, 200));
        if (child.exitCode !== null) throw new Error(`mosquitto exited with ${child.exitCode}`);
        url = `mqtt://127.0.0.1:${port}`;
        return;
      } catch (error) {
        child.kill("SIGKILL");
        if (attempt >= 3) throw error;
      }
    }
  }, 60_000);

  afterAll(async () => {
    for (const g of gateways) g.child.kill("SIGKILL");
    mosquitto?.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  });

  const gatewayEnv = (id: string, group = "sealtrail") => ({
    SEALTRAIL_GATEWAY_MODE: "external",
    SEALTRAIL_EXTERNAL_BROKER_URL: url,
    SEALTRAIL_EXTERNAL_CLIENT_ID: id,
    SEALTRAIL_EXTERNAL_CONNECTIONS: "4",
    SEALTRAIL_EXTERNAL_SHARE_GROUP: group,
  });

  it("stores every published reading exactly once across two gateways, one of them killed mid-stream", async () => {
    const dbA = join(dir, "a.db");
    const dbB = join(dir, "b.db");
    let a = await spawnGateway(dbA, devices, gatewayEnv("gw-a"));
    const b = await spawnGateway(dbB, devices, gatewayEnv("gw-b"));
    gateways.push(a, b);

    const readings = devices.map((d) => chain(d, PER_DEVICE));
    const all = readings.flat().map((m) => messageIdOf(m));
    const publishers: MqttClient[] = await Promise.all(
      devices.map(
        (d) =>
          new Promise<MqttClient>((resolve, reject) => {
            const c = mqtt.connect(url, {
              clientId: `device-${d.address}`,
              protocolVersion: 4,
              reconnectPeriod: 0,
            });
            c.once("connect", () => resolve(c));
            c.once("error", reject);
          }),
      ),
    );
    const publishAll = (from: number, to: number) =>
      Promise.all(
        devices.map(async (d, i) => {
          for (let k = from; k < to; k++) {
            await new Promise<void>((resolve, reject) =>
              publishers[i]!.publish(
                `devices/${d.address}/readings`,
                Buffer.from(readings[i]![k]!),
                { qos: 1 },
                (e) => (e ? reject(e) : resolve()),
              ),
            );
          }
        }),
      );
    const count = () => storedIds(dbA).length + storedIds(dbB).length;

    await publishAll(0, 100);
    // Kill A once readings flow through both gateways and some are certainly in flight at A.
    const deadline = Date.now() + 20_000;
    while (count() < 150 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const killedAt = count();
    a.child.kill("SIGKILL");
    await a.exited;
    await publishAll(100, 180);
    // A comes back with the same client id: its sessions still hold what it had not acknowledged.
    a = await spawnGateway(dbA, devices, gatewayEnv("gw-a"));
    gateways.push(a);
    await publishAll(180, PER_DEVICE);
    for (const p of publishers) p.end();

    const until = Date.now() + 60_000;
    while (count() < all.length && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    a.child.kill("SIGTERM");
    b.child.kill("SIGTERM");
    await Promise.all([a.exited, b.exited]);

    const inA = storedIds(dbA);
    const inB = storedIds(dbB);
    const setA = new Set(inA);
    expect(killedAt).toBeLessThan(all.length);
    expect(inA.filter((id) => new Set(inB).has(id))).toEqual([]); // never in both stores
    expect(inA.length + inB.length).toBe(all.length); // no loss, no duplicate
    expect(all.filter((id) => !setA.has(id) && !inB.includes(id))).toEqual([]);
    expect(inA.length).toBeGreaterThan(0);
    expect(inB.length).toBeGreaterThan(0);
  }, 120_000);

  it("refuses a forged reading: acknowledged to the broker with a failure code, a notice on the errors topic, nothing stored", async () => {
    const db = join(dir, "c.db");
    // Its own share group: the stopped gateways' sessions are still members of "sealtrail" and would
    // get their turn of the round robin (held for them until they return).
    const gateway = await spawnGateway(db, devices, gatewayEnv("gw-c", "forgery-test"));
    gateways.push(gateway);
    try {
      const [victim, forger] = [devices[0]!, exampleIdentity("external forger")];
      const watcher = await new Promise<MqttClient>((resolve) => {
        const c = mqtt.connect(url, { clientId: "watcher", protocolVersion: 4, reconnectPeriod: 0 });
        c.once("connect", () =>
          c.subscribe(`devices/${victim.address}/errors`, { qos: 0 }, () => resolve(c)),
        );
      });
      const notice = new Promise<string>((resolve) =>
        watcher.once("message", (_t, body) =>
          resolve(String((decodeCbor(new Uint8Array(body)) as Map<string, unknown>).get("code"))),
        ),
      );
      const forged = chain(forger, 1)[0]!; // the forger's kid, on the victim's topic
      const publisher = mqtt.connect(url, { clientId: "forger", protocolVersion: 4, reconnectPeriod: 0 });
      await new Promise((r) => publisher.once("connect", r));
      publisher.publish(`devices/${victim.address}/readings`, Buffer.from(forged), { qos: 1 });
      expect(await notice).toBe("KID_MISMATCH");
      publisher.end();
      watcher.end();
    } finally {
      gateway.child.kill("SIGTERM");
      await gateway.exited;
    }
    expect(
      storedIds(db).filter((id) => id === messageIdOf(chain(exampleIdentity("external forger"), 1)[0]!)),
    ).toEqual([]);
  }, 60_000);
});
