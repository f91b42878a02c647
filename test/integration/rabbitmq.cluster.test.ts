// RabbitMQ scale-out mode on a real three-node cluster started here, on this one machine: devices are
// spread over the three nodes' MQTT listeners, one gateway consumes the quorum queues (replicated on all
// three nodes) through a list of the nodes' AMQP URLs. The node the gateway is connected to — and where
// the queues' leaders were declared — is killed (SIGKILL) mid-stream. Its devices reconnect to another
// node and publish again every reading whose PUBACK they had not received; the gateway reconnects to
// another node; the queues elect new leaders among the two survivors (still a majority of three).
// What must hold: every reading a device got a PUBACK for is stored (DESIGN invariant 1), and in the end
// every reading is stored exactly once.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { MqttClient } from "mqtt";
import { type DeviceIdentity, messageIdOf } from "#protocol";
import { freePort, until } from "#test-support";
import { type GatewayChild, spawnGateway } from "../reliability/spawnGateway.ts";
import { chain, exampleIdentity } from "./gatewayKit.ts";
import { connectToRabbit, publishReading, storedIds } from "./rabbitmqDevices.ts";
import { killNode, type RabbitCluster, rabbitmqAvailable, startRabbitCluster } from "./rabbitmqNodes.ts";

const available = rabbitmqAvailable("the RabbitMQ cluster suite");
const devices = Array.from({ length: 6 }, (_, i) => exampleIdentity(`rabbitmq cluster device ${i}`));
const PER_DEVICE = 150;
const WINDOW = 10;

(available ? describe : describe.skip)("RabbitMQ scale-out: a three-node cluster loses a node", () => {
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-rabbitmq-cluster-"));
  const dbPath = join(dir, "gateway.db");
  let rabbit: RabbitCluster | undefined;
  let gateway: GatewayChild | undefined;
  const clients = new Set<MqttClient>();

  beforeAll(async () => {
    const authPort = await freePort();
    rabbit = await startRabbitCluster({ nodes: 3, authUrl: `http://127.0.0.1:${authPort}/auth` });
    gateway = await spawnGateway(dbPath, devices, {
      SEALTRAIL_GATEWAY_MODE: "rabbitmq",
      SEALTRAIL_RABBITMQ_URLS: JSON.stringify(rabbit.gatewayUrls),
      SEALTRAIL_RABBITMQ_QUEUES: "3",
      SEALTRAIL_RABBITMQ_PREFETCH: "32",
      SEALTRAIL_VERIFY_POOL_SIZE: "1",
      SEALTRAIL_RABBITMQ_AUTH_PORT: String(authPort),
    });
  }, 480_000);

  afterAll(async () => {
    for (const c of clients) c.end(true);
    gateway?.child.kill("SIGKILL");
    await gateway?.exited;
    await rabbit?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("When a broker node is killed mid-stream, then no acknowledged reading is lost and every reading is stored once", async () => {
    const cluster = rabbit!;
    const readings = devices.map((d) => chain(d, PER_DEVICE));
    const acked = devices.map(() => new Array<boolean>(PER_DEVICE).fill(false));
    let reconnects = 0;

    /** Publishes all of one device's readings, from the first not yet acknowledged, over any live node. */
    const runDevice = async (d: DeviceIdentity, i: number) => {
      let node = i % cluster.nodes.length;
      for (;;) {
        const next = acked[i]!.indexOf(false);
        if (next < 0) return;
        let client: MqttClient;
        try {
          client = await connectToRabbit(cluster.nodes[node]!.mqttUrl, d);
        } catch {
          node = (node + 1) % cluster.nodes.length;
          await new Promise((r) => setTimeout(r, 200));
          continue;
        }
        clients.add(client);
        client.on("error", () => {});
        const closed = new Promise<never>((_, reject) =>
          client.once("close", () => reject(new Error("closed"))),
        );
        closed.catch(() => {});
        try {
          for (let k = next; k < PER_DEVICE; k += WINDOW) {
            const window = readings[i]!.slice(k, k + WINDOW).map((m, j) =>
              publishReading(client, d, m).then(() => {
                acked[i]![k + j] = true;
              }),
            );
            await Promise.race([Promise.all(window), closed]);
          }
        } catch {
          reconnects++;
          node = (node + 1) % cluster.nodes.length;
        } finally {
          client.end(true);
          clients.delete(client);
        }
      }
    };

    const total = devices.length * PER_DEVICE;
    const stream = Promise.all(devices.map((d, i) => runDevice(d, i)));
    // Mid-stream: a third acknowledged, so devices are still publishing, and queues hold readings that
    // are acknowledged but not yet stored (devices publish faster than one gateway stores).
    const ackedCount = () => acked.flat().filter(Boolean).length;
    await until(() => ackedCount() >= total / 3, {
      timeoutMs: 60_000,
      intervalMs: 2,
      what: "a third acknowledged",
    });
    // Node 0: the gateway's first URL (its connection) and where the quorum queues were declared.
    await killNode(cluster.nodes[0]!);
    const ackedAtKill = ackedCount();
    const storedAtKill = storedIds(dbPath).length;
    await stream;
    const all = readings.flat().map((m) => messageIdOf(m));
    await until(() => storedIds(dbPath).length >= total, {
      timeoutMs: 90_000,
      intervalMs: 250,
      what: `all ${total} readings stored`,
    });
    const stored = new Set(storedIds(dbPath));
    const ackedIds = readings.flatMap((r, i) => r.filter((_, k) => acked[i]![k]).map((m) => messageIdOf(m)));
    expect(ackedAtKill).toBeLessThan(total); // the node died mid-stream
    expect(storedAtKill).toBeLessThan(ackedAtKill); // with acknowledged readings only in the queues
    expect(reconnects).toBeGreaterThan(0); // and devices felt it
    expect(ackedIds.filter((id) => !stored.has(id))).toEqual([]); // nothing acknowledged is lost
    expect(storedIds(dbPath).length).toBe(total); // nothing stored twice
    expect(all.filter((id) => !stored.has(id))).toEqual([]);
  }, 180_000);
});
