// `sealtrail deploy`, `sealtrail gateway` and `sealtrail api` as an operator runs them: child processes
// started with the entrypoint and commands of docker-compose.yml, against a Hardhat OP-stack node. A
// device registered through the API publishes to the gateway and its reading is read back from the API;
// the gateway's registrar puts that device's key on the registry contract; both services are ready;
// SIGTERM stops each with exit 0, the gateway acknowledging only what it stored.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import Database from "better-sqlite3";
import { Contract, JsonRpcProvider } from "ethers";
import type { MqttClient } from "mqtt";
import { parse } from "yaml";
import { REGISTRY_ABI } from "#gateway";
import { bytesToHex, keccak256 } from "#protocol";
import { freePort, until } from "#test-support";
import { REPO_ROOT } from "../../cli/demo/repoRoot.ts";
import { type LocalChain, startLocalChain } from "../../cli/demo/startLocalChain.ts";
import { HARDHAT_PUBLIC_TEST_KEY_0 } from "../../cli/demo/startStack.ts";
import { STORE_FILE } from "../../cli/services/openServiceStore.ts";
import { connectDevice, exampleIdentity, publish, chain as readingChain } from "./gatewayKit.ts";

type Service = { entrypoint: string[]; command: string[]; environment?: Record<string, string> };
const compose = parse(readFileSync(join(REPO_ROOT, "docker-compose.yml"), "utf8"), { merge: true }) as {
  services: Record<string, Service>;
};

/** The compose file's command line of a service, run with this Node (the image's `node`). */
function commandLine(name: string): string[] {
  const s = compose.services[name]!;
  const [node, ...args] = [...s.entrypoint, ...s.command];
  expect(node).toBe("node");
  return args;
}

/** What a `${VARIABLE:-default}` of the compose file gives when the variable is unset. */
function composeDefault(value: string | undefined): string {
  const m = /^\$\{[A-Z0-9_]+:-(.*)\}$/s.exec(value ?? "");
  if (!m) throw new Error(`not a \${VARIABLE:-default}: ${value}`);
  return m[1]!;
}

/** Hardhat's PUBLIC test account 1: funded by the node, the anchorer of gateway-1 in the compose file. */
const ANCHORER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const ADMIN_TOKEN = "EXAMPLE-admin-token-for-tests-only";

type Child = { process: ChildProcess; output: () => string; exited: Promise<number | null> };

function start(name: string, env: Record<string, string>): Child {
  const child = spawn(process.execPath, commandLine(name), {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-50_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { process: child, output: () => output, exited };
}

async function stop(child: Child | undefined): Promise<number | null> {
  if (!child || child.process.exitCode !== null) return child?.process.exitCode ?? null;
  child.process.kill("SIGTERM");
  return child.exited;
}

let localChain: LocalChain;
const dir = mkdtempSync(join(tmpdir(), "sealtrail-services-"));
let gateway: Child | undefined;
let api: Child | undefined;
let deployed: {
  chainId: number;
  anchor: { address: string };
  deviceRegistry: { address: string };
  anchorTarget: { contract: string; fromBlock: number };
};
const ports = { api: 0, mqtt: 0, ws: 0, gatewayHttp: 0 };
let targets = "";

beforeAll(async () => {
  localChain = await startLocalChain({ port: await freePort(), intervalMiningMs: 500 });
  const deploy = start("deploy", {
    ...compose.services.deploy!.environment,
    SEALTRAIL_DEPLOY_RPC_URL: localChain.rpcUrl,
    SEALTRAIL_DEPLOYER_KEY: HARDHAT_PUBLIC_TEST_KEY_0,
  });
  expect([await deploy.exited, deploy.output().slice(-2000)]).toEqual([0, expect.any(String)]);
  deployed = JSON.parse(deploy.output());
  targets = JSON.stringify([
    { rpcUrl: localChain.rpcUrl, chainId: deployed.chainId, ...deployed.anchorTarget },
  ]);
  ports.api = await freePort();
  ports.mqtt = await freePort();
  ports.ws = await freePort();
  ports.gatewayHttp = await freePort();
}, 180_000);

afterAll(async () => {
  await stop(gateway);
  await stop(api);
  await localChain?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const common = () => ({
  SEALTRAIL_DATA_DIR: dir,
  SEALTRAIL_ANCHOR_TARGETS: targets,
  SEALTRAIL_LOG_LEVEL: "info",
});
const gatewayEnv = () => compose.services["gateway-1"]!.environment!;
const startGateway = () =>
  start("gateway-1", {
    ...common(),
    // The registrar as the compose file configures it, on the chain this test started.
    SEALTRAIL_REGISTRY_RPC_URL: localChain.rpcUrl,
    SEALTRAIL_REGISTRY_CHAIN_ID: String(deployed.chainId),
    SEALTRAIL_REGISTRY_CONTRACT: deployed.deviceRegistry.address,
    SEALTRAIL_REGISTRAR_KEY: composeDefault(gatewayEnv().SEALTRAIL_REGISTRAR_KEY),
    SEALTRAIL_REGISTRAR_INTERVAL_MS: "250",
    SEALTRAIL_ANCHORER_KEY: ANCHORER_KEY,
    SEALTRAIL_MQTT_PORT: String(ports.mqtt),
    SEALTRAIL_MQTT_WS_PORT: String(ports.ws),
    SEALTRAIL_GATEWAY_HTTP_PORT: String(ports.gatewayHttp),
    SEALTRAIL_REVOCATION_POLL_MS: "200",
    SEALTRAIL_VERIFY_POOL_SIZE: "1",
    SEALTRAIL_DEVICE_BURST: "100000",
    SEALTRAIL_DEVICE_RATE: "100000",
    SEALTRAIL_DRAIN_TIMEOUT_MS: "10000",
  });

async function ready(url: string, child: Child): Promise<void> {
  await until(
    async () => {
      if (child.process.exitCode !== null)
        throw new Error(`exited ${child.process.exitCode}:\n${child.output()}`);
      return (await fetch(url).catch(() => undefined))?.status === 200;
    },
    {
      timeoutMs: 90_000,
      intervalMs: 250,
      what: `200 from ${url}`,
    },
  );
}

describe("the services, started as the compose file starts them", () => {
  const device = exampleIdentity("services");
  const readings = readingChain(device, 400);
  const topic = `devices/${device.address}/readings`;
  const apiUrl = () => `http://127.0.0.1:${ports.api}`;

  it("sealtrail deploy puts the contracts where the compose file's staging defaults say they are", () => {
    const env = gatewayEnv();
    const [target] = JSON.parse(composeDefault(env.SEALTRAIL_ANCHOR_TARGETS));
    expect({
      chainId: deployed.chainId,
      contract: deployed.anchor.address,
      registryChainId: deployed.chainId,
      registry: deployed.deviceRegistry.address,
    }).toEqual({
      chainId: target.chainId,
      contract: target.contract,
      registryChainId: Number(composeDefault(env.SEALTRAIL_REGISTRY_CHAIN_ID)),
      registry: composeDefault(env.SEALTRAIL_REGISTRY_CONTRACT),
    });
  });

  it("a reading published to `sealtrail gateway` is read back from `sealtrail api`; both are ready", async () => {
    api = start("api", {
      ...common(),
      SEALTRAIL_HTTP_PORT: String(ports.api),
      SEALTRAIL_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    gateway = startGateway();
    await ready(`${apiUrl()}/readyz`, api);
    await ready(`http://127.0.0.1:${ports.gatewayHttp}/readyz`, gateway);
    const registered = await fetch(`${apiUrl()}/api/v1/devices`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ publicKey: bytesToHex(device.publicKey), label: "services test" }),
    });
    expect(registered.status).toBe(201);
    // The gateway learns of a device registered by another process when it re-reads the registry.
    let client: MqttClient | undefined;
    await until(
      async () => {
        client = await connectDevice(`ws://127.0.0.1:${ports.ws}/mqtt`, device).catch(() => undefined);
        return client !== undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250, what: "the gateway to accept the registered device" },
    ).catch((error: unknown) => {
      // Once seen in CI (the gateway stopped answering after it was ready): its log says why.
      throw new Error(`${String(error)}\ngateway log (end):\n${gateway!.output().slice(-4000)}`);
    });
    await publish(client!, topic, readings[0]!);
    await client!.endAsync();
    const id = bytesToHex(keccak256(readings[0]!));
    const read = await fetch(`${apiUrl()}/api/v1/readings/${id}`);
    expect(read.status).toBe(200);
    expect(((await read.json()) as { messageId: string }).messageId).toBe(id);
    const gatewayReady = await fetch(`http://127.0.0.1:${ports.gatewayHttp}/readyz`);
    expect(await gatewayReady.json()).toEqual({
      status: "ready",
      checks: { store: { ok: true }, chain: { ok: true }, broker: { ok: true } },
    });
    const metrics = await (await fetch(`http://127.0.0.1:${ports.gatewayHttp}/metrics`)).text();
    expect(metrics).toMatch(/^sealtrail_readings_accepted_total 1$/m);
  }, 180_000);

  it("every metric the Prometheus alert rules name is served by the gateway's /metrics", async () => {
    const rules = parse(readFileSync(join(REPO_ROOT, "deploy/prometheus/alerts.yml"), "utf8")) as {
      groups: { rules: { alert: string; expr: string }[] }[];
    };
    const named = new Map<string, string>();
    for (const rule of rules.groups.flatMap((g) => g.rules))
      for (const [name] of rule.expr.matchAll(/\bsealtrail_[a-z0-9_]+/g)) named.set(name, rule.alert);
    const exposition = await (await fetch(`http://127.0.0.1:${ports.gatewayHttp}/metrics`)).text();
    // Families as declared (`# TYPE name kind`); a histogram's series are its name plus _bucket/_sum/_count.
    const families = new Map(
      [...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!] as const),
    );
    const served = (name: string) =>
      families.has(name) ||
      ["_bucket", "_sum", "_count"].some(
        (suffix) => name.endsWith(suffix) && families.get(name.slice(0, -suffix.length)) === "histogram",
      );
    const missing = [...named].filter(([name]) => !served(name)).map(([name, alert]) => `${alert}: ${name}`);
    expect({ missing, atLeast: named.size >= 8 }).toEqual({ missing: [], atLeast: true });
    // The fee-cap gauge is there from the anchorer's start, at 0, so the rule sees 0 and not nothing.
    expect(exposition).toMatch(
      new RegExp(`^sealtrail_anchor_transactions_at_fee_cap\\{chain_id="${deployed.chainId}"\\} 0$`, "m"),
    );
  });

  it("the gateway's registrar puts the device registered through the API on the registry contract", async () => {
    type OnChain = { status: string; registration: { txHash: string; blockNumber: number } | null };
    let onChain: OnChain | undefined;
    await until(
      async () => {
        const answer = await fetch(`${apiUrl()}/api/v1/devices/${device.address}`);
        onChain = ((await answer.json()) as { onChain?: OnChain }).onChain;
        return onChain?.status === "registered";
      },
      { timeoutMs: 60_000, intervalMs: 250, what: "the device's key registered on chain" },
    );
    // Not only the store's word: the contract itself holds the registration, in the block named.
    const provider = new JsonRpcProvider(localChain.rpcUrl, deployed.chainId, { staticNetwork: true });
    try {
      const registry = new Contract(deployed.deviceRegistry.address, REGISTRY_ABI, provider);
      const record = (await registry.getFunction("deviceRecord")(device.address)) as {
        registeredAt: bigint;
        revokedAt: bigint;
      };
      const receipt = await provider.getTransactionReceipt(onChain!.registration!.txHash);
      expect({
        registered: record.registeredAt > 0n,
        revokedAt: record.revokedAt,
        block: receipt?.blockNumber,
        ok: receipt?.status,
      }).toEqual({ registered: true, revokedAt: 0n, block: onChain!.registration!.blockNumber, ok: 1 });
    } finally {
      provider.destroy();
    }
  }, 90_000);

  it("SIGTERM while a device publishes: the gateway exits 0 and every PUBACKed reading is in the store", async () => {
    const client = await connectDevice(`mqtt://127.0.0.1:${ports.mqtt}`, device);
    client.on("error", () => {});
    const acked: string[] = [];
    let terminated = false;
    for (const r of readings.slice(1)) {
      client.publish(topic, Buffer.from(r), { qos: 1 }, (err) => {
        if (err) return;
        acked.push(bytesToHex(keccak256(r)));
        if (acked.length === 50 && !terminated) {
          terminated = true;
          gateway!.process.kill("SIGTERM");
        }
      });
    }
    const code = await gateway!.exited;
    client.end(true);
    expect([code, terminated]).toEqual([0, true]);
    expect(gateway!.output()).toMatch(/"msg":"gateway stopped"/);
    const db = new Database(join(dir, STORE_FILE), { readonly: true });
    const stored = db.prepare("SELECT count(*) FROM messages WHERE id = ?").pluck();
    const missing = acked.filter((id) => stored.get(Buffer.from(id.slice(2), "hex")) !== 1);
    db.close();
    expect({ acked: acked.length >= 50, missing }).toEqual({ acked: true, missing: [] });
  }, 120_000);

  it("a restarted gateway and the API serve on; SIGTERM stops the API with exit 0", async () => {
    gateway = startGateway();
    await ready(`http://127.0.0.1:${ports.gatewayHttp}/readyz`, gateway);
    expect(await stop(gateway)).toBe(0);
    expect(await stop(api)).toBe(0);
    expect(api!.output()).toMatch(/"msg":"api stopped"/);
  }, 120_000);
});
