/**
 * Hostile-input measurements of the gateway — the timing and memory claims of issue 5 that tests must not
 * assert as wall-clock:
 *   1. the hostile CBOR corpus: time to refuse each item (the check a verify worker runs), with the
 *      gateway's 4 KiB limits and with 1 MiB limits, and end to end over MQTT (PUBLISH → errors notice);
 *   2. 100 MB of garbage sent to the MQTT port in several shapes: the gateway process's memory growth;
 *   3. revocation: time from revoking a device (through the gateway's registry, and in the shared store
 *      by another process) to its session being closed.
 * A program, not a test: prints and writes bench/results/hostile.json (machine, load average, versions,
 * parameters, medians). Run with `bin/dev npm run bench:hostile` (about a minute).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import mqtt from "mqtt";
import mqttPacket from "mqtt-packet";
import { checkReading, Refusal, readingLimits } from "#gateway";
import {
  addressToBytes,
  assembleCoseSign1,
  bytesToHex,
  type CborLimits,
  type DeviceIdentity,
  decodeCbor,
  encodeCbor,
  encodeProtectedHeader,
  GENESIS_PREV,
  signConnectToken,
  signDigest,
  signingDigest,
} from "#protocol";
import { nativeVerifier } from "#protocol/native";
import { benchIdentities } from "./lib/benchDevices.ts";
import { percentiles } from "./lib/rawLoad.ts";
import { machineInfo, median, packageVersions, writeReport } from "./lib/report.ts";
import { spawnGatewayProcess } from "./lib/spawnGatewayProcess.ts";

const PARAMETERS = {
  /** Timed refusals per corpus item (after 20 untimed). */
  corpusRepeats: 200,
  /** End-to-end refusals per corpus item over MQTT. */
  mqttRepeats: 5,
  garbageBytes: 100 * 2 ** 20,
  garbageChunkBytes: 64 * 1024,
  garbageConcurrency: 32,
  revocationRounds: 5,
  revocationPollMs: 2000,
};

const log = (line: string) => process.stdout.write(`${line}\n`);
const [device, other] = benchIdentities(2, "sealtrail hostile bench") as [DeviceIdentity, DeviceIdentity];

function signed(payload: Uint8Array, protectedBytes = encodeProtectedHeader(addressToBytes(device.address))) {
  return assembleCoseSign1(
    protectedBytes,
    payload,
    signDigest(signingDigest(protectedBytes, payload), device.privateKey),
  );
}
const entries = (): [string, unknown][] => [
  ["v", 1],
  ["seq", 1],
  ["ts", 1_763_700_000_000],
  ["prev", GENESIS_PREV],
  ["m", new Map([["temp_c", 4.5]])],
];
const nestedArrays = (n: number) =>
  Buffer.concat([Buffer.from([0xd2]), Buffer.alloc(n, 0x81), Buffer.from([0x00])]);

const CORPUS: [string, Uint8Array][] = [
  ["9f (indefinite array, no tag)", Uint8Array.of(0x9f)],
  ["d2 9f ff (indefinite COSE array)", Uint8Array.of(0xd2, 0x9f, 0xff)],
  ["d2 9a01312d00 (20M-item array header)", Uint8Array.of(0xd2, 0x9a, 0x01, 0x31, 0x2d, 0x00)],
  ["d2 5a7fffffff (2 GiB byte string header)", Uint8Array.of(0xd2, 0x5a, 0x7f, 0xff, 0xff, 0xff)],
  ["200k nested arrays", nestedArrays(200_000)],
  ["4,000 nested arrays", nestedArrays(4_000)],
  ["__proto__ payload key", signed(encodeCbor(new Map([...entries(), ["__proto__", 1]])))],
  [
    "__proto__ measurement",
    signed(encodeCbor(new Map([...entries().slice(0, 4), ["m", new Map([["__proto__", 1]])]]))),
  ],
  [
    "unknown tag (ts as tag 1)",
    (() => {
      const p = Buffer.from(encodeCbor(new Map(entries())));
      const at = p.indexOf(Buffer.from([0x62, 0x74, 0x73])) + 3;
      return signed(Buffer.concat([p.subarray(0, at), Buffer.from([0xc1]), p.subarray(at)]));
    })(),
  ],
  [
    "map of 100k entries header",
    Buffer.concat([Buffer.from([0xd2, 0x84, 0x40, 0xba, 0x00, 0x01, 0x86, 0xa0]), Buffer.alloc(64)]),
  ],
  ["valid reading (accepted, for comparison)", signed(encodeCbor(new Map(entries())))],
];

function timeRefusal(raw: Uint8Array, limits: CborLimits): { code: string; micros: number[] } {
  let code = "accepted";
  const run = () => {
    try {
      checkReading(raw, device.address, device.publicKey, nativeVerifier, limits);
      code = "accepted";
    } catch (error) {
      code = error instanceof Refusal ? error.code : `error ${String(error)}`;
    }
  };
  for (let i = 0; i < 20; i++) run();
  const micros: number[] = [];
  for (let i = 0; i < PARAMETERS.corpusRepeats; i++) {
    const start = process.hrtime.bigint();
    run();
    micros.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  return { code, micros };
}

const started = new Date();
const machine = machineInfo();
log(
  `hostile-input measurements: ${machine.cpuModel}, ${machine.cores} cores, load ${machine.loadAverage.join(" ")}`,
);

// 1a. The corpus, in process: the check a verify worker runs on each PUBLISH payload.
log("\n1. hostile CBOR corpus — time to refuse, in the verify worker's check (median / max of 200, µs)");
const corpus = CORPUS.map(([name, raw]) => {
  const gateway = timeRefusal(raw, readingLimits(4096));
  const big = timeRefusal(raw, readingLimits(1 << 20));
  const g = percentiles(gateway.micros);
  const b = percentiles(big.micros);
  log(
    `  ${name.padEnd(42)} ${String(raw.length).padStart(7)} B  ${gateway.code.padEnd(16)} 4 KiB limits: ${g.p50.toFixed(1).padStart(7)} / ${g.max.toFixed(1).padStart(8)}   1 MiB limits: ${big.code.padEnd(16)} ${b.p50.toFixed(1).padStart(7)} / ${b.max.toFixed(1).padStart(8)}`,
  );
  return {
    name,
    bytes: raw.length,
    gatewayLimits: { code: gateway.code, medianMicros: g.p50, maxMicros: g.max },
    oneMiBLimits: { code: big.code, medianMicros: b.p50, maxMicros: b.max },
  };
});

const dir = mkdtempSync(join(tmpdir(), "sealtrail-bench-hostile-"));
const devicesFile = join(dir, "devices.json");
writeFileSync(devicesFile, JSON.stringify([device, other].map((d) => bytesToHex(d.publicKey))));
let lastIat = Math.floor(Date.now() / 1000) - 100;
const token = (id: DeviceIdentity) => Buffer.from(signConnectToken(id, ++lastIat));

const gateway = await spawnGatewayProcess({
  kind: "gateway",
  dbPath: join(dir, "hostile.db"),
  devicesFile,
  config: {
    connectRatePerIpPerSecond: 1_000_000,
    connectBurstPerIp: 1_000_000,
    // Thousands of CONNECTs with ever larger iat: the token window must not be what refuses them.
    tokenMaxSkewSeconds: 10_000_000,
    revocationPollMs: PARAMETERS.revocationPollMs,
  },
});
const url = `mqtt://127.0.0.1:${gateway.port}`;

// 1b. End to end: PUBLISH of each corpus item → the refusal notice on the errors topic.
log("\n   end to end over MQTT: PUBLISH → refusal notice on devices/{address}/errors (median of 5, ms)");
const endToEnd: { name: string; code: string; medianMs: number; maxMs: number }[] = [];
for (const [name, raw] of CORPUS) {
  if (name.startsWith("valid")) continue;
  const times: number[] = [];
  let code = "";
  for (let i = 0; i < PARAMETERS.mqttRepeats; i++) {
    const client = mqtt.connect(url, {
      clientId: device.address,
      username: device.address,
      password: token(device),
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    client.on("error", () => {});
    await new Promise((r) => client.once("connect", r));
    await new Promise((r) => client.subscribe(`devices/${device.address}/errors`, { qos: 0 }, r));
    const result = new Promise<string>((resolve) => {
      client.once("message", (_t, body) =>
        resolve(String((decodeCbor(new Uint8Array(body)) as Map<string, unknown>).get("code"))),
      );
      client.once("close", () => resolve("closed without notice"));
    });
    const start = performance.now();
    client.publish(`devices/${device.address}/readings`, Buffer.from(raw), { qos: 1 });
    code = await result;
    times.push(performance.now() - start);
    client.end(true);
  }
  const p = percentiles(times);
  endToEnd.push({ name, code, medianMs: p.p50, maxMs: p.max });
  log(`  ${name.padEnd(42)} ${code.padEnd(22)} ${p.p50.toFixed(2).padStart(7)} ms (max ${p.max.toFixed(2)})`);
}

// 2. 100 MB of garbage.
type Shape = { name: string; prefix: () => Buffer; body: () => Buffer };
const random = (n: number) => Buffer.from(Array.from({ length: n }, () => (Math.random() * 256) | 0));
const randomBlock = random(PARAMETERS.garbageChunkBytes);
const SHAPES: Shape[] = [
  { name: "random bytes", prefix: () => Buffer.alloc(0), body: () => randomBlock },
  {
    name: "HTTP requests",
    prefix: () => Buffer.alloc(0),
    body: () => Buffer.from(`GET / HTTP/1.1\r\nHost: x\r\n${"X: y\r\n".repeat(9000)}`),
  },
  {
    name: "CONNECT declaring 256 MB, then its 'body'",
    prefix: () => Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f]),
    body: () => randomBlock,
  },
  {
    name: "authenticated, then PUBLISH declaring 256 MB",
    prefix: () =>
      Buffer.concat([
        mqttPacket.generate({
          cmd: "connect",
          protocolId: "MQTT",
          protocolVersion: 4,
          clean: true,
          clientId: other.address,
          username: other.address,
          password: token(other),
          keepalive: 30,
        }),
        Buffer.from([0x32, 0xff, 0xff, 0xff, 0x7f]),
      ]),
    body: () => randomBlock,
  },
  {
    name: "authenticated, then 4 KiB PUBLISHes of junk",
    prefix: () =>
      mqttPacket.generate({
        cmd: "connect",
        protocolId: "MQTT",
        protocolVersion: 4,
        clean: true,
        clientId: other.address,
        username: other.address,
        password: token(other),
        keepalive: 30,
      }),
    body: () =>
      mqttPacket.generate({
        cmd: "publish",
        topic: `devices/${other.address}/readings`,
        payload: randomBlock.subarray(0, 4000),
        qos: 1,
        messageId: 1,
        retain: false,
        dup: false,
      }),
  },
];

/**
 * Sends `budget` bytes in `shape` over as many connections as it takes (the gateway closes each one).
 * Counts only bytes the kernel took for sending (a write's callback without error), chunk after chunk.
 */
async function flood(shape: Shape, budget: number): Promise<{ delivered: number; connections: number }> {
  let delivered = 0;
  let connections = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      connections++;
      const socket = netConnect({ host: "127.0.0.1", port: gateway.port });
      socket.on("error", () => {});
      socket.once("close", () => resolve());
      let first = true;
      const next = () => {
        if (socket.destroyed || delivered >= budget) {
          socket.destroy();
          return;
        }
        const chunk = first ? Buffer.concat([shape.prefix(), shape.body()]) : shape.body();
        first = false;
        socket.write(chunk, (error) => {
          if (error) return;
          delivered += chunk.length;
          next();
        });
      };
      socket.once("connect", next);
      setTimeout(() => socket.destroy(), 5000).unref();
    });
  while (delivered < budget) await Promise.all(Array.from({ length: PARAMETERS.garbageConcurrency }, one));
  return { delivered, connections };
}

log("\n2. garbage: gateway process memory (RSS) before and after 100 MB per shape");
const garbage: Record<string, unknown>[] = [];
for (const shape of SHAPES) {
  await gateway.reset(); // restarts the peak RSS measurement
  const before = await gateway.stats();
  const start = performance.now();
  const { delivered, connections } = await flood(shape, PARAMETERS.garbageBytes);
  const seconds = (performance.now() - start) / 1000;
  await new Promise((r) => setTimeout(r, 500));
  const after = await gateway.stats();
  const growthMiB = (after.rssKiB - before.rssKiB) / 1024;
  const peakGrowthMiB = (after.peakRssKiB - before.rssKiB) / 1024;
  garbage.push({
    shape: shape.name,
    deliveredMiB: Math.round(delivered / 2 ** 20),
    connections,
    seconds: Math.round(seconds * 10) / 10,
    rssBeforeMiB: Math.round(before.rssKiB / 1024),
    rssAfterMiB: Math.round(after.rssKiB / 1024),
    growthMiB: Math.round(growthMiB * 10) / 10,
    peakGrowthMiB: Math.round(peakGrowthMiB * 10) / 10,
  });
  log(
    `  ${shape.name.padEnd(46)} ${Math.round(delivered / 2 ** 20)} MiB sent over ${connections} connections in ${seconds.toFixed(1)} s: RSS ${Math.round(before.rssKiB / 1024)} → ${Math.round(after.rssKiB / 1024)} MiB (growth ${growthMiB.toFixed(1)} MiB, peak +${peakGrowthMiB.toFixed(1)} MiB)`,
  );
}
const alive = await gateway.stats();
log(`  gateway still answering: RSS ${Math.round(alive.rssKiB / 1024)} MiB`);

// 3. Revocation latency.
log(`\n3. revocation → session closed (ms), ${PARAMETERS.revocationRounds} rounds each`);
async function revocationRound(via: "registry" | "store"): Promise<number> {
  const id = benchIdentities(1, `revocation ${via} ${Math.random()}`)[0]!;
  // Register through the store the gateway polls, then wait for the gateway to see the device.
  const db = new Database(join(dir, "hostile.db"));
  db.pragma("busy_timeout = 5000");
  db.prepare("INSERT INTO devices (address, public_key, label, registered_at) VALUES (?, ?, ?, ?)").run(
    id.address,
    Buffer.from(id.publicKey),
    "revocation bench",
    Date.now(),
  );
  let client: mqtt.MqttClient | undefined;
  for (let attempt = 0; attempt < 50 && !client; attempt++) {
    client = await new Promise<mqtt.MqttClient | undefined>((resolve) => {
      const c = mqtt.connect(url, {
        clientId: id.address,
        username: id.address,
        password: token(id),
        protocolVersion: 4,
        reconnectPeriod: 0,
      });
      c.once("connect", () => resolve(c));
      c.once("error", () => {
        c.end(true);
        resolve(undefined);
      });
    });
    if (!client) await new Promise((r) => setTimeout(r, 200));
  }
  if (!client) throw new Error("device never accepted");
  const closed = new Promise<number>((resolve) => client!.once("close", () => resolve(performance.now())));
  const start = performance.now();
  if (via === "registry") await gateway.revoke(id.address);
  else db.prepare("UPDATE devices SET revoked_at = ? WHERE address = ?").run(Date.now(), id.address);
  db.close();
  return (await closed) - start;
}
const revocation: Record<string, { medianMs: number; maxMs: number; samples: number[] }> = {};
for (const via of ["registry", "store"] as const) {
  const samples: number[] = [];
  for (let i = 0; i < PARAMETERS.revocationRounds; i++)
    samples.push(Math.round((await revocationRound(via)) * 10) / 10);
  revocation[via] = { medianMs: median(samples), maxMs: Math.max(...samples), samples };
  log(
    `  ${via === "registry" ? "through the gateway's registry (API)" : `in the shared store by another process (poll ${PARAMETERS.revocationPollMs} ms)`}: median ${median(samples)} ms, max ${Math.max(...samples)} ms`,
  );
}

await gateway.close();
rmSync(dir, { recursive: true, force: true });

writeReport(join(import.meta.dirname, "results", "hostile.json"), {
  benchmark: "hostile",
  command: "npm run bench:hostile",
  startedAt: started.toISOString(),
  finishedAt: new Date().toISOString(),
  machine: { ...machine, loadAverageAtEnd: machineInfo().loadAverage },
  versions: packageVersions(["aedes", "mqtt-packet", "cbor-x", "secp256k1"]),
  parameters: PARAMETERS,
  corpus,
  corpusEndToEnd: endToEnd,
  garbage,
  revocation,
});
log(`\nload average at end: ${machineInfo().loadAverage.join(" ")}; report in bench/results/hostile.json`);
