// End to end with an INDEPENDENT device (test/independent-device/device.mjs, written from docs/protocol.md
// alone) and the INDEPENDENT verifier (test/independent/cli.mjs, written from DESIGN.md alone): the only
// Sealtrail code used here is what starts the system (startStack, freePort).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, jest } from "@jest/globals";
import mqtt from "mqtt";
import type { Stack } from "../../cli/demo/startStack.ts";
import {
  decodeCbor,
  fromHex,
  GENESIS_PREV,
  generatePrivateKey,
  identityFromPrivateKey,
  registerDevice,
  runDevice,
  signConnectToken,
  signReading,
  toHex,
} from "../independent-device/device.mjs";
import { runNode } from "./runNode.ts";
import { startStackOnFreePorts } from "./startStackOnFreePorts.ts";

jest.setTimeout(180_000);

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const COUNT = 20;
const BUDGET_MS = 120_000; // acceptance criterion: first publish → last bundle verified "within two minutes"

interface Anchor {
  chainId: number;
  contract: string;
  txHash: string | null;
  blockNumber: number | null;
  blockTimestamp: number | null;
  status: string;
}
interface Bundle {
  format: string;
  message: string;
  messageId: string;
  device: string;
  publicKey: string;
  reading: { v: number; seq: number; ts: number; prev: string; m: Record<string, number> };
  merkle: { root: string; proof: string[]; leafEncoding: string } | null;
  anchors: Anchor[];
}

let dir: string;
let stack: Stack;

const anchored = (b: Bundle) =>
  b.anchors.length > 0 && b.anchors.some((a) => a.status === "included" || a.status === "final");

async function waitForAnchoredBundle(
  messageId: string,
  deadline: number,
): Promise<{ bundle: Bundle; seen: string[] }> {
  const seen: string[] = [];
  let last: unknown;
  while (Date.now() < deadline) {
    const res = await fetch(`${stack.apiUrl}/api/v1/readings/${messageId}/proof`);
    const text = await res.text();
    if (res.status === 200) {
      const bundle = JSON.parse(text) as Bundle;
      const tier = bundle.anchors.map((a) => a.status).join(",") || "(no anchors)";
      if (seen.at(-1) !== tier) seen.push(tier);
      if (anchored(bundle)) return { bundle, seen };
      last = bundle.anchors;
    } else {
      const tier = `HTTP ${res.status}`;
      if (seen.at(-1) !== tier) seen.push(tier);
      last = text;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `bundle ${messageId} not anchored in time; seen ${seen.join(" → ")}; last ${JSON.stringify(last)}`,
  );
}

/** Quick batches and finality, so anchoring is seen within the test. */
const stackEnv = () => ({
  SEALTRAIL_DATA_DIR: dir,
  SEALTRAIL_BATCH_MAX_AGE_MS: "500",
  SEALTRAIL_FINALITY_DEPTH: "2",
  SEALTRAIL_BLOCK_INTERVAL_MS: "500",
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sealtrail-indep-device-"));
  ({ stack } = await startStackOnFreePorts(stackEnv()));
});

afterAll(async () => {
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("an independent device (written from docs/protocol.md only)", () => {
  it("reproduces the spec's worked examples byte for byte (sections 3, 7, 9)", () => {
    // EXAMPLE KEY from protocol.md §3, public on purpose.
    const id = identityFromPrivateKey("0xa6e27505b44f0915d5429fd7835d083d56018ccdce5240e4a793ffa93ae89151");
    expect(toHex(id.publicKey)).toBe("0x03ed025c7218a8b406e8fd0320cc0bf9d59714780bce517af6d59a6d2c14d1cf5d");
    expect(id.address).toBe("0x1acb247fef3c5e356f40d645a28796fa6943b301");
    const r = signReading(id, {
      seq: 1,
      ts: 1763700060000,
      prev: GENESIS_PREV,
      m: { temp_c: 3.6, rh_pct: 56 },
    });
    expect(toHex(r.message)).toBe(
      "0xd284581aa201382e04541acb247fef3c5e356f40d645a28796fa6943b301a05858a561760163736571016274731b0000019aa4b72f60647072657658200000000000000000000000000000000000000000000000000000000000000000616da26674656d705f63fb400ccccccccccccd6672685f70637418385840da946abed5db41e72c61798225d96b52c5174c04410007baeb3db739d6e37235036e5a6c7879567840ff88b09f8bafa54fa9036589ffe2ca522b0f6dde4205dc",
    );
    expect(r.messageId).toBe("0x2feafde1714685ac9eb9e04d3d0d18ee2f689d52c20caf9623751a5d2b05daff");
    expect(toHex(signConnectToken(id, 1763700000))).toBe(
      "0xd284581aa201382e04541acb247fef3c5e356f40d645a28796fa6943b301a05848a363617564697365616c747261696c636961741a691fed2063636964782a30783161636232343766656633633565333536663430643634356132383739366661363934336233303158402690f8bcf8b8453df62fe78fd9a4c4482b298df7fac429a42e73477da1c41b1a7bf4d2c5395cd118bb2aae19fcd91536abf78d1681079fb20d2828417a8bce0d",
    );
  });

  it("reproduces every message and token of the golden vectors (§16: the final word)", () => {
    const vectors = JSON.parse(readFileSync(join(REPO, "test/vectors/protocol-v1.json"), "utf8")) as {
      devices: { privateKey: string; address: string }[];
      messages: {
        device: number;
        payload: { seq: number; ts: number; prev: string; m: Record<string, number> };
        message: string;
        messageId: string;
      }[];
    };
    const tokens = JSON.parse(readFileSync(join(REPO, "test/vectors/connect-tokens-v1.json"), "utf8")) as {
      tokens: { device: number; clientId: string; iat: number; token: string }[];
    };
    for (const v of vectors.messages) {
      const id = identityFromPrivateKey(vectors.devices[v.device]!.privateKey);
      const s = signReading(id, { ...v.payload, prev: fromHex(v.payload.prev, 32) });
      expect(toHex(s.message)).toBe(v.message);
      expect(s.messageId).toBe(v.messageId);
    }
    for (const t of tokens.tokens) {
      const id = identityFromPrivateKey(vectors.devices[t.device]!.privateKey);
      expect(id.address).toBe(t.clientId);
      expect(toHex(signConnectToken(id, t.iat))).toBe(t.token);
    }
  });

  it(`publishes ${COUNT} chained readings, gets ${COUNT} PUBACKs, and every proof bundle verifies on chain within 2 minutes`, async () => {
    const result = await runDevice({
      apiUrl: stack.apiUrl,
      mqttUrl: stack.mqttUrl,
      adminToken: stack.adminToken,
      count: COUNT,
      label: "independent device e2e",
    });
    expect(result.refusals).toEqual([]);
    expect(result.pubacks).toBe(COUNT);
    expect(result.acked).toBe(COUNT);
    expect(result.connects).toBe(1);
    expect(result.messageIds).toHaveLength(COUNT);
    expect(result.firstPublishAt).toBeDefined();
    const t0 = result.firstPublishAt!;
    const deadline = t0 + BUDGET_MS;

    const verify = async (messageId: string, seq: number) => {
      const { bundle, seen } = await waitForAnchoredBundle(messageId, deadline);
      expect(bundle.format).toBe("sealtrail-proof-v1");
      expect(bundle.messageId).toBe(messageId);
      expect(bundle.message).toBe(result.messages[seq - 1]);
      expect(bundle.device.toLowerCase()).toBe(result.address);
      expect(bundle.publicKey).toBe(result.publicKey);
      expect(bundle.reading.seq).toBe(seq);
      expect(bundle.reading.prev).toBe(seq === 1 ? toHex(GENESIS_PREV) : result.messageIds[seq - 2]);
      const file = join(dir, `bundle-${seq}.json`);
      writeFileSync(file, JSON.stringify(bundle, null, 2));
      const v = await runNode([
        "test/independent/cli.mjs",
        file,
        "--rpc",
        stack.rpcUrl,
        "--require-anchored",
      ]);
      if (v.code !== 0) console.log(`verifier output for seq ${seq}:\n${v.out}`);
      return { seq, code: v.code, seen, at: Date.now() };
    };
    const outcomes = await Promise.all(result.messageIds.map((id, i) => verify(id, i + 1)));
    const elapsed = Math.max(...outcomes.map((o) => o.at)) - t0;
    console.log(
      `independent device ${result.address}: ${result.pubacks}/${COUNT} PUBACKs, ` +
        `${outcomes.filter((o) => o.code === 0).length}/${COUNT} bundles verified by the independent verifier; ` +
        `first publish → last bundle verified: ${(elapsed / 1000).toFixed(1)} s\n` +
        `status tiers seen (seq 1): ${outcomes[0]!.seen.join(" → ")}`,
    );
    expect(outcomes.map((o) => o.code)).toEqual(Array(COUNT).fill(0));
    expect(elapsed).toBeLessThan(BUDGET_MS);
  });

  // Spec statements a device relies on, probed with a second device.
  describe("MQTT contract of docs/protocol.md §9", () => {
    const id = identityFromPrivateKey(generatePrivateKey());
    const connect = (iat: number, extra: Record<string, unknown> = {}) =>
      new Promise<{ ok: boolean; code?: number | undefined; client: mqtt.MqttClient }>((resolve) => {
        const client = mqtt.connect(stack.mqttUrl, {
          protocolVersion: 4,
          clientId: id.address,
          username: id.address,
          password: Buffer.from(signConnectToken(id, iat)),
          reconnectPeriod: 0,
          ...extra,
        });
        client.once("connect", () => resolve({ ok: true, client }));
        client.once("error", (e) => resolve({ ok: false, code: (e as { code?: number }).code, client }));
      });

    it("an unregistered device is refused with CONNACK 5", async () => {
      const r = await connect(Math.floor(Date.now() / 1000));
      r.client.end(true);
      expect(r).toMatchObject({ ok: false, code: 5 });
    });

    it("a token whose iat is not above the last accepted one is refused with CONNACK 4 (TOKEN_REPLAYED)", async () => {
      await registerDevice({
        apiUrl: stack.apiUrl,
        adminToken: stack.adminToken,
        identity: id,
        label: "probe",
      });
      const iat = Math.floor(Date.now() / 1000) + 100; // within the 300 s window
      const first = await connect(iat);
      expect(first.ok).toBe(true);
      first.client.end(true);
      const again = await connect(iat);
      again.client.end(true);
      expect(again).toMatchObject({ ok: false, code: 4 });
      const next = await connect(iat + 1);
      next.client.end(true);
      expect(next.ok).toBe(true);
    });

    it("a token more than 300 s off is refused with CONNACK 4 (EXPIRED_TOKEN)", async () => {
      const r = await connect(Math.floor(Date.now() / 1000) + 400);
      r.client.end(true);
      expect(r).toMatchObject({ ok: false, code: 4 });
    });

    it("a QoS 0 reading gets the QOS_NOT_SUPPORTED notice on the errors topic, then the connection closes", async () => {
      const r = await connect(Math.floor(Date.now() / 1000) + 200);
      expect(r.ok).toBe(true);
      const client = r.client;
      const notices: Buffer[] = [];
      client.on("message", (_t, p) => notices.push(p));
      await client.subscribeAsync(`devices/${id.address}/errors`, { qos: 0 });
      const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
      const reading = signReading(id, { seq: 1, ts: Date.now(), prev: GENESIS_PREV, m: { temp_c: 4 } });
      client.publish(`devices/${id.address}/readings`, Buffer.from(reading.message), { qos: 0 });
      await closed;
      client.end(true);
      expect(notices).toHaveLength(1);
      const notice = decodeCbor(new Uint8Array(notices[0]!)) as { id: unknown; code: string; detail: string };
      expect(notice).toMatchObject({ id: null, code: "QOS_NOT_SUPPORTED" });
      // The spec (§9) prints this exact notice as its example.
      expect(toHex(notices[0]!)).toBe(
        "0xa3626964f664636f646571514f535f4e4f545f535550504f525445446664657461696c782172656164696e677320617265207075626c6973686564207769746820516f532031",
      );
    });

    it("a SUBSCRIBE outside the own subtree gets SUBACK 0x80 and the session stays up", async () => {
      const r = await connect(Math.floor(Date.now() / 1000) + 201);
      expect(r.ok).toBe(true);
      // Read the raw SUBACK: mqtt.js turns a 0x80 return code into an error for the whole SUBSCRIBE.
      const suback = new Promise<number[]>((resolve) =>
        r.client.on("packetreceive", (p) => {
          if (p.cmd === "suback") resolve((p as unknown as { granted: number[] }).granted);
        }),
      );
      r.client.subscribe(["#", `devices/${id.address}/errors`], { qos: 0 }, () => {});
      expect(await suback).toEqual([0x80, 0]);
      await new Promise((res) => setTimeout(res, 200));
      expect(r.client.connected).toBe(true);
      r.client.end(true);
    });
  });
});
