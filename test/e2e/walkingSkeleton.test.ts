import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, jest } from "@jest/globals";
import mqtt, { type MqttClient } from "mqtt";
import {
  bytesToHex,
  type DeviceIdentity,
  deviceIdentityFromPrivateKey,
  GENESIS_PREV,
  type Hex,
  hexToBytes,
  keccak256,
  type ProofBundle,
  signConnectToken,
  signReading,
} from "#protocol";
import { demoConfigFromEnv } from "../../cli/demo/demoConfig.ts";
import { type Stack, startStack } from "../../cli/demo/startStack.ts";
import { runNode } from "./runNode.ts";
import { portEnv, type StackPorts, startStackOnFreePorts } from "./startStackOnFreePorts.ts";

jest.setTimeout(180_000);

const device = deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode("EXAMPLE key e2e device")));
let dir: string;
let ports: StackPorts;
let stack: Stack;

async function connectDevice(id: DeviceIdentity, url: string): Promise<MqttClient> {
  const client = mqtt.connect(url, {
    clientId: id.address,
    username: id.address,
    password: Buffer.from(signConnectToken(id, Math.floor(Date.now() / 1000))),
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  await new Promise<void>((resolve, reject) => {
    client.once("connect", () => resolve());
    client.once("error", reject);
  });
  return client;
}

async function waitForBundle(
  messageId: Hex,
  ready: (b: ProofBundle) => boolean,
  timeoutMs = 90_000,
): Promise<ProofBundle> {
  const deadline = Date.now() + timeoutMs;
  let last: ProofBundle | undefined;
  while (Date.now() < deadline) {
    const res = await fetch(`${stack.apiUrl}/api/v1/readings/${messageId}/proof`);
    if (res.status === 200) {
      last = (await res.json()) as ProofBundle;
      if (ready(last)) return last;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`bundle not ready in time; last: ${JSON.stringify(last?.anchors)}`);
}

const anchoredOn = (b: ProofBundle, chainId: number) =>
  b.anchors.some((a) => a.chainId === chainId && (a.status === "included" || a.status === "final"));

/** Quick batches and finality, so anchoring is seen within the test. */
const stackEnv = () => ({
  SEALTRAIL_DATA_DIR: dir,
  SEALTRAIL_BATCH_MAX_AGE_MS: "500",
  SEALTRAIL_FINALITY_DEPTH: "2",
  SEALTRAIL_BLOCK_INTERVAL_MS: "500",
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sealtrail-e2e-"));
  ({ stack, ports } = await startStackOnFreePorts(stackEnv()));
});

afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("walking skeleton: device -> gateway -> L2 anchor -> proof", () => {
  const ids: Hex[] = [];

  it("registers a device through the API with the admin token", async () => {
    const body = JSON.stringify({ publicKey: bytesToHex(device.publicKey), label: "e2e reefer" });
    const denied = await fetch(`${stack.apiUrl}/api/v1/devices`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(denied.status).toBe(401);
    const res = await fetch(`${stack.apiUrl}/api/v1/devices`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${stack.adminToken}` },
      body,
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { address: string }).address).toBe(device.address);
  });

  it("publishes readings over MQTT QoS 1 and gets a PUBACK for each", async () => {
    const client = await connectDevice(device, stack.mqttUrl);
    let prev: Uint8Array = GENESIS_PREV;
    for (let seq = 1; seq <= 5; seq++) {
      const { message, messageId } = signReading(device, {
        v: 1,
        seq,
        ts: Date.now(),
        prev,
        m: { temp_c: 4 + seq / 10, rh_pct: 60 },
      });
      await new Promise<void>((resolve, reject) =>
        client.publish(`devices/${device.address}/readings`, Buffer.from(message), { qos: 1 }, (err) =>
          err ? reject(err) : resolve(),
        ),
      );
      ids.push(messageId);
      prev = hexToBytes(messageId, 32);
    }
    client.end(true);
    expect(await stack.store.countMessages()).toBe(5);
    const metrics = await (await fetch(`${stack.apiUrl}/metrics`)).text();
    expect(metrics).toMatch(/^sealtrail_readings_accepted_total 5$/m);
  });

  it("anchors the batch on the local L2 and serves a bundle the CLI verifies on chain", async () => {
    // The registrar puts the device key on the registry; the bundle names it once it is there.
    const bundle = await waitForBundle(
      ids[2]!,
      (b) => anchoredOn(b, stack.chainId) && b.registry !== undefined,
    );
    expect(bundle.format).toBe("sealtrail-proof-v1");
    expect(bundle.anchors[0]!.contract).toBe(stack.anchorContract);
    expect(bundle.registry).toEqual({
      chainId: stack.chainId,
      contract: stack.deviceRegistryContract,
      key: device.address,
      kind: "device",
    });
    const file = join(dir, "bundle.json");
    writeFileSync(file, JSON.stringify(bundle));
    const ours = await runNode(["--import", "tsx", "cli/main.ts", "verify", file, "--rpc", stack.rpcUrl]);
    expect(ours).toMatchObject({ code: 0 });
    expect(ours.out).toMatch(/✓ active at anchor\s+device key registered at/);
    // The verifier written independently from DESIGN.md agrees.
    const theirs = await runNode([
      "test/independent/cli.mjs",
      file,
      "--rpc",
      stack.rpcUrl,
      "--require-anchored",
    ]);
    expect(theirs).toMatchObject({ code: 0 });
  });

  it("rejects the same bundle once a byte of the message is changed", async () => {
    const bundle = await waitForBundle(ids[2]!, (b) => anchoredOn(b, stack.chainId));
    // Flip one bit of the second-to-last byte (inside the signature). Writing a fixed "00" or "01" there
    // instead left the message unchanged whenever that byte already held it: 1 run in ~250, as the ts moves.
    const bytes = hexToBytes(bundle.message);
    bytes[bytes.length - 2]! ^= 0x01;
    const tampered = { ...bundle, message: bytesToHex(bytes) };
    expect(tampered.message).not.toBe(bundle.message);
    const file = join(dir, "tampered.json");
    writeFileSync(file, JSON.stringify(tampered));
    const result = await runNode(["--import", "tsx", "cli/main.ts", "verify", file, "--rpc", stack.rpcUrl]);
    expect(result.code).toBe(1);
  });

  it("keeps the data across a restart on the same data dir and re-anchors it on the fresh chain", async () => {
    const before = await waitForBundle(ids[0]!, (b) => anchoredOn(b, stack.chainId));
    await stack.stop();
    stack = await startStack({ config: demoConfigFromEnv({ ...stackEnv(), ...portEnv(ports) }).config });
    expect(await stack.store.countMessages()).toBe(5);
    // The fresh chain's registry gets the key again (the registrar follows the redeployment).
    const after = await waitForBundle(
      ids[0]!,
      (b) =>
        anchoredOn(b, stack.chainId) &&
        b.anchors[0]!.txHash !== before.anchors[0]!.txHash &&
        b.registry?.contract === stack.deviceRegistryContract,
    );
    const file = join(dir, "after-restart.json");
    writeFileSync(file, JSON.stringify(after));
    const result = await runNode(["--import", "tsx", "cli/main.ts", "verify", file, "--rpc", stack.rpcUrl]);
    expect(result).toMatchObject({ code: 0 });
    expect(result.out).toMatch(/✓ active at anchor/);
  });
});
