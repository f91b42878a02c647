// RabbitMQ scale-out mode on a real RabbitMQ node started here: devices log in to its MQTT plugin with
// Sealtrail CONNECT tokens, judged by the auth service of gateway B through rabbitmq_auth_backend_http;
// two gateway processes compete on the quorum queues and share one SQLite store (a shared store is what
// makes a redelivered reading a duplicate rather than a second copy). Gateway A is killed (SIGKILL)
// mid-stream and never comes back: RabbitMQ gives what A held unacknowledged to B.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { MqttClient } from "mqtt";
import { decodeCbor, messageIdOf } from "#protocol";
import { freePort, until } from "#test-support";
import { type GatewayChild, spawnGateway } from "../reliability/spawnGateway.ts";
import { chain, exampleIdentity, freshToken } from "./gatewayKit.ts";
import { connectToRabbit, publishReading, storedIds } from "./rabbitmqDevices.ts";
import { type RabbitCluster, rabbitmqAvailable, startRabbitCluster } from "./rabbitmqNodes.ts";

const available = rabbitmqAvailable("the RabbitMQ scale-out suite (two gateways)");
const devices = Array.from({ length: 4 }, (_, i) => exampleIdentity(`rabbitmq device ${i}`));
const PER_DEVICE = 250;

(available ? describe : describe.skip)("RabbitMQ scale-out: two gateways on one node", () => {
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-rabbitmq-gw-"));
  const dbPath = join(dir, "shared.db");
  let rabbit: RabbitCluster | undefined;
  let authPort: number;
  const gateways: GatewayChild[] = [];
  const clients: MqttClient[] = [];

  const gatewayEnv = (auth: boolean): Record<string, string> => ({
    SEALTRAIL_GATEWAY_MODE: "rabbitmq",
    SEALTRAIL_RABBITMQ_URLS: JSON.stringify(rabbit!.gatewayUrls),
    SEALTRAIL_RABBITMQ_QUEUES: "4",
    SEALTRAIL_RABBITMQ_PREFETCH: "32",
    SEALTRAIL_VERIFY_POOL_SIZE: "1",
    ...(auth ? { SEALTRAIL_RABBITMQ_AUTH_PORT: String(authPort) } : {}),
  });

  beforeAll(async () => {
    authPort = await freePort();
    rabbit = await startRabbitCluster({ nodes: 1, authUrl: `http://127.0.0.1:${authPort}/auth` });
    // B serves the auth service and outlives A; both consume.
    gateways.push(await spawnGateway(dbPath, devices, gatewayEnv(true)));
    gateways.push(await spawnGateway(dbPath, devices, gatewayEnv(false)));
  }, 240_000);

  afterAll(async () => {
    for (const c of clients) c.end(true);
    for (const g of gateways) g.child.kill("SIGKILL");
    await Promise.all(gateways.map((g) => g.exited));
    await rabbit?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it("stores every published reading exactly once across two gateways, one of them killed mid-stream", async () => {
    const a = gateways[1]!; // B (gateways[0]) serves the auth service and survives
    const url = rabbit!.nodes[0]!.mqttUrl;
    const readings = devices.map((d) => chain(d, PER_DEVICE));
    const all = readings.flat().map((m) => messageIdOf(m));
    for (const d of devices) clients.push(await connectToRabbit(url, d));
    // Each device publishes its readings in order, up to 20 awaiting their PUBACK at once.
    const publishAll = (from: number, to: number) =>
      Promise.all(
        devices.map(async (d, i) => {
          for (let k = from; k < to; k += 20) {
            const window = readings[i]!.slice(k, Math.min(k + 20, to));
            await Promise.all(window.map((m) => publishReading(clients[i]!, d, m)));
          }
        }),
      );
    const stream = publishAll(0, PER_DEVICE);
    // Kill A once readings flow and some are certainly in its hands, stored or not, unacknowledged.
    await until(() => storedIds(dbPath).length >= 150, { timeoutMs: 60_000, what: "150 readings stored" });
    a.child.kill("SIGKILL");
    await a.exited;
    const killedAt = storedIds(dbPath).length;
    await stream; // every reading has its PUBACK: RabbitMQ's quorum queue has it
    await until(() => storedIds(dbPath).length >= all.length, {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: `all ${all.length} readings stored`,
    });
    const stored = storedIds(dbPath);
    expect(killedAt).toBeLessThan(all.length);
    expect(stored.length).toBe(all.length); // the store's primary key: no reading twice
    expect(new Set(stored)).toEqual(new Set(all)); // and none lost
  }, 150_000);

  it("admits only a fresh, untampered CONNECT token, and a forged reading gets its refusal notice and is not stored", async () => {
    const url = rabbit!.nodes[0]!.mqttUrl;
    const [victim, stranger] = [devices[0]!, exampleIdentity("rabbitmq stranger")];
    // An unregistered device is refused by the auth service (CONNACK "not authorized" from RabbitMQ).
    await expect(connectToRabbit(url, stranger)).rejects.toThrow(/Not authorized|Bad username/i);
    // A replayed token (its iat already used) is refused, as by the embedded broker.
    const token = freshToken(victim);
    const first = await connectToRabbit(url, victim, { password: token, clientId: victim.address });
    clients.push(first);
    await expect(connectToRabbit(url, victim, { password: token })).rejects.toThrow(
      /Bad username|Not authorized/i,
    );
    // A reading that is not the victim's own (another key's kid), published on the victim's topic.
    const notice = new Promise<string>((resolve) =>
      first.on("message", (_t, body) =>
        resolve(String((decodeCbor(new Uint8Array(body)) as Map<string, unknown>).get("code"))),
      ),
    );
    await new Promise((resolve) => first.subscribe(`devices/${victim.address}/errors`, { qos: 0 }, resolve));
    const forged = chain(stranger, 1)[0]!;
    await publishReading(first, victim, forged);
    expect(await notice).toBe("KID_MISMATCH");
    expect(storedIds(dbPath)).not.toContain(messageIdOf(forged));
  }, 60_000);
});
