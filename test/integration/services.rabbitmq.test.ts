// `sealtrail gateway` in RabbitMQ mode, started with the command line and settings of docker-compose.yml's
// `gateway-rabbit` (scale-out profile): against a real RabbitMQ node started here (MQTT plugin, HTTP auth
// backend, consistent-hash exchange) and a Hardhat chain, it declares the queues, serves the auth service
// RabbitMQ asks about device logins, stores and anchors what a device publishes through RabbitMQ, is ready,
// and stops on SIGTERM with exit 0.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { JsonRpcProvider, Wallet } from "ethers";
import type { MqttClient } from "mqtt";
import { parse } from "yaml";
import { deploySealtrail } from "#contracts";
import { DeviceRegistry, SqliteStore } from "#gateway";
import { messageIdOf } from "#protocol";
import { freePort, until } from "#test-support";
import { REPO_ROOT } from "../../cli/demo/repoRoot.ts";
import { type LocalChain, startLocalChain } from "../../cli/demo/startLocalChain.ts";
import { HARDHAT_PUBLIC_TEST_KEY_0 } from "../../cli/demo/startStack.ts";
import { STORE_FILE } from "../../cli/services/openServiceStore.ts";
import { exampleIdentity, chain as readingChain } from "./gatewayKit.ts";
import { connectToRabbit, publishReading, storedIds } from "./rabbitmqDevices.ts";
import { type RabbitCluster, rabbitmqAvailable, startRabbitCluster } from "./rabbitmqNodes.ts";

type Service = { entrypoint: string[]; command: string[]; environment: Record<string, string> };
const service = (
  parse(readFileSync(join(REPO_ROOT, "docker-compose.yml"), "utf8"), { merge: true }) as {
    services: Record<string, Service>;
  }
).services["gateway-rabbit"]!;
/** What a `${VARIABLE:-default}` of the compose file gives when the variable is unset. */
const unset = (v: string | undefined) => (v ?? "").replace(/^\$\{[A-Z0-9_]+:-(.*)\}$/s, "$1");

const available = rabbitmqAvailable("the RabbitMQ-mode service suite");
const device = exampleIdentity("services rabbitmq");
const READINGS = 20;

(available ? describe : describe.skip)(
  "sealtrail gateway in RabbitMQ mode, as compose's gateway-rabbit",
  () => {
    const dir = mkdtempSync(join(tmpdir(), "sealtrail-services-rabbit-"));
    let rabbit: RabbitCluster | undefined;
    let localChain: LocalChain | undefined;
    let gateway: { process: ChildProcess; output: () => string; exited: Promise<number | null> } | undefined;
    let client: MqttClient | undefined;
    const ports = { auth: 0, http: 0 };

    beforeAll(async () => {
      ports.auth = await freePort();
      ports.http = await freePort();
      [rabbit, localChain] = await Promise.all([
        startRabbitCluster({ nodes: 1, authUrl: `http://127.0.0.1:${ports.auth}/auth` }),
        freePort().then((port) => startLocalChain({ port, intervalMiningMs: 500 })),
      ]);
      const provider = new JsonRpcProvider(localChain.rpcUrl, localChain.chainId, {
        staticNetwork: true,
        cacheTimeout: -1,
      });
      const anchorer = new Wallet(unset(service.environment.SEALTRAIL_ANCHORER_KEY));
      const deployer = new Wallet(HARDHAT_PUBLIC_TEST_KEY_0, provider);
      const d = await deploySealtrail(deployer, {
        admin: deployer.address,
        anchorers: [anchorer.address],
        registrars: [deployer.address],
      });
      provider.destroy();
      // The device is registered in the store the service opens (through the API in compose: same store).
      const store = SqliteStore.open(join(dir, STORE_FILE));
      await new DeviceRegistry(store).register(device.publicKey, "services rabbitmq");
      await store.close();
      const [node, ...args] = [...service.entrypoint, ...service.command];
      expect(node).toBe("node");
      const child = spawn(process.execPath, args, {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? "",
          // The compose file's own values where they are literal; hosts and ports of this machine otherwise.
          SEALTRAIL_GATEWAY_MODE: service.environment.SEALTRAIL_GATEWAY_MODE,
          SEALTRAIL_RABBITMQ_QUEUES: service.environment.SEALTRAIL_RABBITMQ_QUEUES,
          SEALTRAIL_RABBITMQ_URLS: JSON.stringify(rabbit.gatewayUrls),
          SEALTRAIL_RABBITMQ_AUTH_HOST: "127.0.0.1",
          SEALTRAIL_RABBITMQ_AUTH_PORT: String(ports.auth),
          SEALTRAIL_ANCHORER_KEY: anchorer.privateKey,
          SEALTRAIL_ANCHOR_TARGETS: JSON.stringify([
            { rpcUrl: localChain.rpcUrl, chainId: Number(d.chainId), contract: d.anchor.address },
          ]),
          SEALTRAIL_DATA_DIR: dir,
          SEALTRAIL_GATEWAY_HTTP_PORT: String(ports.http),
          SEALTRAIL_VERIFY_POOL_SIZE: "1",
          SEALTRAIL_BATCH_MAX_AGE_MS: "500",
          SEALTRAIL_LOG_LEVEL: "info",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      const keep = (b: Buffer) => {
        output = (output + b.toString()).slice(-50_000);
      };
      child.stdout!.on("data", keep);
      child.stderr!.on("data", keep);
      gateway = {
        process: child,
        output: () => output,
        exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))),
      };
    }, 240_000);

    afterAll(async () => {
      client?.end(true);
      if (gateway && gateway.process.exitCode === null) {
        gateway.process.kill("SIGKILL");
        await gateway.exited;
      }
      await rabbit?.stop();
      await localChain?.stop();
      rmSync(dir, { recursive: true, force: true });
    }, 60_000);

    const metrics = async () => (await fetch(`http://127.0.0.1:${ports.http}/metrics`)).text();

    it("is ready once it consumes, and says where its auth service listens", async () => {
      await until(
        async () => {
          if (gateway!.process.exitCode !== null)
            throw new Error(`exited ${gateway!.process.exitCode}:\n${gateway!.output()}`);
          return (
            (await fetch(`http://127.0.0.1:${ports.http}/readyz`).catch(() => undefined))?.status === 200
          );
        },
        { timeoutMs: 90_000, intervalMs: 250, what: "the gateway's /readyz" },
      );
      const ready = await (await fetch(`http://127.0.0.1:${ports.http}/readyz`)).json();
      expect(ready).toEqual({
        status: "ready",
        checks: { store: { ok: true }, chain: { ok: true }, broker: { ok: true } },
      });
      expect(gateway!.output()).toContain(`"rabbitmqAuth":"http://127.0.0.1:${ports.auth}/auth"`);
    }, 120_000);

    it("a device logs in to RabbitMQ through the service's auth, and every reading it publishes is stored and anchored", async () => {
      client = await connectToRabbit(rabbit!.nodes[0]!.mqttUrl, device);
      const readings = readingChain(device, READINGS);
      for (const r of readings) await publishReading(client, device, r);
      const ids = readings.map((r) => messageIdOf(r));
      const dbPath = join(dir, STORE_FILE);
      await until(() => ids.every((id) => storedIds(dbPath).includes(id)), {
        timeoutMs: 30_000,
        intervalMs: 200,
        what: "every published reading stored",
      });
      expect(await metrics()).toMatch(new RegExp(`^sealtrail_readings_accepted_total ${READINGS}$`, "m"));
      await until(
        async () => /^sealtrail_anchors\{[^}]*status="(included|final)"[^}]*\} [1-9]/m.test(await metrics()),
        {
          timeoutMs: 60_000,
          intervalMs: 500,
          what: "the batch anchored",
        },
      );
    }, 120_000);

    it("SIGTERM stops it with exit 0", async () => {
      client?.end(true);
      gateway!.process.kill("SIGTERM");
      expect(await gateway!.exited).toBe(0);
      expect(gateway!.output()).toMatch(/"msg":"gateway stopped"/);
    }, 60_000);
  },
);
