// Backup and restore end to end: a real gateway ingests signed readings over a real MQTT socket and the API
// captures EPCIS events, all anchored on a local chain, while `sealtrail backup` (a child process, as an
// operator runs it) copies the store. The original store is then lost; `sealtrail restore` puts the backup
// in place and a new gateway and API opened on it seal and anchor what was still pending. Every reading and
// every event in the restored store gets a proof bundle from the new API that the CLI verifier accepts
// against the chain.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, jest } from "@jest/globals";
import Database from "better-sqlite3";
import { Wallet } from "ethers";
import mqtt, { type MqttClient } from "mqtt";
import { type RunningApi, startApi } from "#api";
import { verifyBundle } from "#cli";
import { EthersAnchorChain, Gateway, parseGatewayConfig, SqliteStore } from "#gateway";
import { gs1CheckDigit, keyToEpcUrn } from "#gs1";
import {
  type DeviceIdentity,
  deviceIdentityFromPrivateKey,
  GENESIS_PREV,
  type Hex,
  hexToBytes,
  keccak256,
  signConnectToken,
  signReading,
} from "#protocol";
import { allStatuses, type ChainFixture, startChainFixture } from "./harness.ts";

jest.setTimeout(240_000);

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ADMIN = "EXAMPLE-admin-token-for-backup-tests";
const key = (label: string) =>
  deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode(`EXAMPLE backup test ${label}`)));
const attester = key("attester");
const devices = [key("device 1"), key("device 2"), key("device 3")];
const PREFIX = "4012345";
const GLN = `${PREFIX}00021${gs1CheckDigit(`${PREFIX}00021`)}`;
const SGLN = `urn:epc:id:sgln:${PREFIX}.00021.0`;
const GTIN = `0${PREFIX}44444${gs1CheckDigit(`0${PREFIX}44444`)}`;

type Running = { store: SqliteStore; gateway: Gateway; api: RunningApi };

let fx: ChainFixture;
let dir: string;

beforeAll(async () => {
  fx = await startChainFixture();
  dir = mkdtempSync(join(tmpdir(), "sealtrail-backup-e2e-"));
});
afterAll(async () => {
  await fx?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A gateway (embedded broker, batcher, anchorer on the fixture's chain) and the API, on the store at `path`. */
async function startOn(path: string): Promise<Running> {
  const store = SqliteStore.open(path);
  const gateway = new Gateway({
    config: parseGatewayConfig({
      mqttPort: 0,
      batchMaxSize: 25,
      batchMaxAgeMs: 200,
      deviceRatePerSecond: 10_000,
      deviceRateBurst: 10_000,
    }),
    store,
    anchorChains: [
      new EthersAnchorChain({
        provider: fx.provider,
        wallet: new Wallet(fx.anchorerKey),
        chainId: fx.chain.chainId,
        contract: fx.contract,
      }),
    ],
    anchoring: {
      finalityDepth: 1,
      intervalMs: 200,
      fees: { maxFeePerGasCap: 100_000_000_000n, bumpPercent: 25 },
      stuckAfterMs: 60_000,
    },
  });
  await gateway.start();
  const api = await startApi({
    store,
    registry: gateway.registry,
    attester,
    adminToken: ADMIN,
    anchorTargets: () => gateway.anchorTargets(),
    isReady: () => true,
    port: 0,
  });
  return { store, gateway, api };
}

async function stop(r: Running): Promise<void> {
  await r.api.close();
  await r.gateway.close();
  await r.store.close();
}

/** `sealtrail <args>` as a child process; its exit code and output. */
function sealtrail(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 120_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const admin = (api: RunningApi, method: string, path: string, body?: unknown) =>
  fetch(`${api.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${ADMIN}`, "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** Captures `count` commissioning events through the API (signed by the attester) and waits for the job. */
async function captureEvents(api: RunningApi, first: number, count: number): Promise<void> {
  const eventList = Array.from({ length: count }, (_, i) => ({
    type: "ObjectEvent",
    action: "ADD",
    bizStep: "commissioning",
    epcList: [keyToEpcUrn({ type: "sgtin", gtin: GTIN, serial: `B${first + i}` }, 7)],
    eventTime: new Date(Date.now() - 60_000 + i).toISOString(),
    eventTimeZoneOffset: "+00:00",
    readPoint: { id: SGLN },
    bizLocation: { id: SGLN },
  }));
  const res = await admin(api, "POST", "/epcis/capture?organisation=backup-maker&visibility=public", {
    "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
    type: "EPCISDocument",
    schemaVersion: "2.0",
    creationDate: new Date().toISOString(),
    epcisBody: { eventList },
  });
  expect(res.status).toBe(202);
  for (;;) {
    const job = (await (await admin(api, "GET", res.headers.get("location") ?? "")).json()) as {
      running: boolean;
      errors?: unknown[];
    };
    if (!job.running) {
      expect(job.errors ?? []).toEqual([]);
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A device publishing one reading after another (QoS 1), each awaited; what was acknowledged and when. */
function publisher(url: string, device: DeviceIdentity) {
  const acked: { id: Hex; sentAt: number; at: number }[] = [];
  let running = true;
  let client: MqttClient | undefined;
  const done = (async () => {
    client = mqtt.connect(url, {
      clientId: device.address,
      username: device.address,
      password: Buffer.from(signConnectToken(device, Math.floor(Date.now() / 1000))),
      reconnectPeriod: 0,
    });
    await new Promise<void>((resolve, reject) => {
      client!.once("connect", () => resolve());
      client!.once("error", reject);
    });
    let prev: Uint8Array = GENESIS_PREV;
    for (let seq = 1; running; seq++) {
      const { message, messageId } = signReading(device, {
        v: 1,
        seq,
        ts: Date.now(),
        prev,
        m: { temp_c: 5 },
      });
      prev = hexToBytes(messageId, 32);
      const sentAt = Date.now();
      await new Promise<void>((resolve, reject) =>
        client!.publish(`devices/${device.address}/readings`, Buffer.from(message), { qos: 1 }, (e) =>
          e ? reject(e) : resolve(),
        ),
      );
      acked.push({ id: messageId, sentAt, at: Date.now() });
    }
  })();
  return {
    acked,
    async stop() {
      running = false;
      await done;
      await client?.endAsync();
    },
  };
}

/** Message ids of one kind in a store file, read on a connection of their own. */
function idsIn(path: string, kind: "reading" | "event"): Hex[] {
  const db = new Database(path, { readonly: true });
  try {
    // Schema 8 stores kind as an integer: 0 reading, 1 event.
    return (
      db
        .prepare("SELECT id FROM messages WHERE kind = ?")
        .pluck()
        .all(kind === "reading" ? 0 : 1) as Buffer[]
    ).map((b) => `0x${b.toString("hex")}` as Hex);
  } finally {
    db.close();
  }
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("backup of a running store and restore", () => {
  it("When `sealtrail backup` runs while devices publish, then a gateway and API on the restored copy prove every reading and event in it on chain", async () => {
    const original = join(dir, "data", "sealtrail.db");
    const restored = join(dir, "restored", "sealtrail.db");
    const backupFile = join(dir, "backup.db");
    mkdirSync(join(dir, "data"));
    const first = await startOn(original);
    for (const d of devices) await first.gateway.registry.register(d.publicKey, "backup test");
    const created = await admin(first.api, "POST", "/api/v1/organisations", {
      id: "backup-maker",
      name: "Backup Maker (EXAMPLE)",
      glns: [GLN],
    });
    expect(created.status).toBe(201);
    await captureEvents(first.api, 1, 4);

    const publishers = devices.map((d) => publisher(first.gateway.mqttUrl, d));
    const ackedCount = () => publishers.reduce((n, p) => n + p.acked.length, 0);
    await until(async () => ackedCount() >= 150, 60_000);
    // Some batches anchored before the copy, some sealed or in flight, some readings pending in it.
    const backupStarted = Date.now();
    const backup = await sealtrail(["backup", backupFile, "--store", original, "--json"]);
    const backupEnded = Date.now();
    expect(backup).toMatchObject({ code: 0, stderr: "" });
    const summary = JSON.parse(backup.stdout) as {
      readings: number;
      events: number;
      snapshotAt: number;
      copyMs: number;
    };
    const during = publishers.flatMap((p) =>
      p.acked.filter((a) => a.at > backupStarted && a.at < backupEnded),
    );
    expect(during.length).toBeGreaterThan(0); // ingest went on while the backup ran

    // A running store is never replaced, not even with --replace.
    const refused = await sealtrail(["restore", backupFile, "--store", original, "--replace"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/STORE_IN_USE/);

    await Promise.all(publishers.map((p) => p.stop()));
    const acked = publishers.flatMap((p) => p.acked);
    await stop(first);
    // The disaster: the original store is gone.
    rmSync(join(dir, "data"), { recursive: true, force: true });

    const restore = await sealtrail(["restore", backupFile, "--store", restored]);
    expect(restore).toMatchObject({ code: 0, stderr: "" });
    expect(restore.stdout).toMatch(/integrity_check ok/);

    // The copy is one snapshot: everything acknowledged before the backup began, and nothing published after
    // its copy step ended (the read transaction lies inside [snapshotAt, snapshotAt + copyMs], same clock).
    const readings = new Set(idsIn(restored, "reading"));
    const events = idsIn(restored, "event");
    expect(readings.size).toBe(summary.readings);
    expect(events.length).toBe(4);
    expect(acked.filter((a) => a.at <= backupStarted).every((a) => readings.has(a.id))).toBe(true);
    const afterCopy = acked.filter((a) => a.sentAt > summary.snapshotAt + summary.copyMs);
    expect(afterCopy.length).toBeGreaterThan(0);
    expect(afterCopy.some((a) => readings.has(a.id))).toBe(false);

    const second = await startOn(restored);
    try {
      const target = second.gateway.anchorTargets()[0]!;
      // What was pending in the copy is sealed; what was sealed or submitted is anchored (or found on chain).
      await until(async () => {
        await second.gateway.batcher.flush();
        const pending = await second.store.listMessages({
          anchorStatus: { status: "pending", targets: [target] },
          limit: 1,
        });
        const statuses = await allStatuses(second.store, target);
        return pending.messages.length === 0 && statuses.every((s) => s === "included" || s === "final");
      }, 90_000);

      const failures: string[] = [];
      const check = async (path: string, id: Hex) => {
        const res = await fetch(`${second.api.url}${path}`);
        if (res.status !== 200) return failures.push(`${id}: HTTP ${res.status}`);
        const report = await verifyBundle(await res.text(), {
          source: id,
          rpcUrls: [fx.chain.rpcUrl],
          minStatus: "included",
        });
        if (report.verdict.status !== "valid") failures.push(`${id}: ${report.verdict.summary}`);
      };
      for (const id of readings) await check(`/api/v1/readings/${id}/proof`, id);
      for (const id of events) await check(`/api/v1/events/${id}/proof`, id);
      expect(failures).toEqual([]);
    } finally {
      await stop(second);
    }
  });
});
