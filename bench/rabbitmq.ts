/**
 * RabbitMQ scale-out benchmark: readings/s stored through RabbitMQ (its MQTT plugin, quorum queues,
 * consistent-hash exchange) with 1 and with 2 gateway processes, beside the embedded mode (devices on the
 * gateway's own aedes broker), in one run on this machine.
 *
 * Each device (mqtt.js, MQTT 3.1.1, a Sealtrail CONNECT token) publishes its pre-signed readings at QoS 1,
 * keeping `window` unacknowledged. A mode's figure is readings / seconds from the first publish until the
 * last reading is in the store — for the embedded mode that is also when the last PUBACK arrives; through
 * RabbitMQ the PUBACK comes earlier (the quorum queue has it), so the PUBACK rate is reported too.
 * Gateways are child processes (test/reliability/gatewayProcess.ts); the two RabbitMQ gateways share one
 * SQLite file (WAL, synchronous=FULL), as they share a store in production. RabbitMQ is one node started
 * here (test/integration/rabbitmqNodes.ts); on a single machine every process competes for the same
 * cores, which the report's load average and core probe show.
 *
 *   bin/dev npm run bench:rabbitmq
 *   bin/dev npm run bench:rabbitmq -- --devices 20 --per-device 500 --queues 4
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { MqttClient } from "mqtt";
import type { DeviceIdentity } from "#protocol";
import { freePort } from "#test-support";
import { connectToRabbit, publishReading, storedIds } from "../test/integration/rabbitmqDevices.ts";
import { type RabbitCluster, startRabbitCluster } from "../test/integration/rabbitmqNodes.ts";
import { type GatewayChild, spawnGateway } from "../test/reliability/spawnGateway.ts";
import { benchIdentities, preSignChains } from "./lib/benchDevices.ts";
import { probeAvailableCores } from "./lib/probeCpu.ts";
import { machineInfo, packageVersions, writeReport } from "./lib/report.ts";

const { values: args } = parseArgs({
  options: {
    devices: { type: "string", default: "40" },
    "per-device": { type: "string", default: "500" },
    window: { type: "string", default: "20" },
    queues: { type: "string", default: "4" },
    prefetch: { type: "string", default: "256" },
    "pool-size": { type: "string", default: "1" },
    out: { type: "string", default: "bench/results/rabbitmq.json" },
  },
});

const PARAMETERS = {
  devices: Number(args.devices),
  perDevice: Number(args["per-device"]),
  window: Number(args.window),
  queues: Number(args.queues),
  prefetch: Number(args.prefetch),
  verifyPoolSize: Number(args["pool-size"]),
};

type ModeResult = {
  mode: string;
  gateways: number;
  readings: number;
  /** Readings / s from the first publish to the last reading stored. */
  storedPerSecond: number;
  /** Readings / s from the first publish to the last PUBACK. */
  pubackPerSecond: number;
  seconds: number;
  coresAvailableBefore: number;
  loadAverageBefore: number[];
};

const log = (line: string) => process.stdout.write(`${line}\n`);
const dir = mkdtempSync(join(tmpdir(), "sealtrail-bench-rabbitmq-"));
const devices = benchIdentities(PARAMETERS.devices, "sealtrail rabbitmq bench");
const chains = preSignChains(devices, PARAMETERS.perDevice, join(tmpdir(), "sealtrail-bench-rabbitmq"), log);
const total = PARAMETERS.devices * PARAMETERS.perDevice;
// Bench devices publish far above a field device's allowance; the embedded broker would throttle them.
const unthrottled = { SEALTRAIL_DEVICE_RATE: "1000000", SEALTRAIL_DEVICE_BURST: "1000000" };
const gatewayBase = { SEALTRAIL_VERIFY_POOL_SIZE: String(PARAMETERS.verifyPoolSize), ...unthrottled };

/** Every device publishes all its readings, `window` in flight; resolves with the ms of the last PUBACK. */
async function drive(url: string, started: number): Promise<number> {
  const clients: MqttClient[] = [];
  try {
    for (const d of devices) clients.push(await connectToRabbit(url, d));
    const one = async (d: DeviceIdentity, i: number) => {
      const chain = chains[i]!;
      let next = 0;
      const lane = async () => {
        while (next < chain.length) await publishReading(clients[i]!, d, chain[next++]!);
      };
      await Promise.all(Array.from({ length: PARAMETERS.window }, lane));
    };
    await Promise.all(devices.map(one));
    return performance.now() - started;
  } finally {
    for (const c of clients) c.end(true);
  }
}

async function measure(
  mode: string,
  gatewayCount: number,
  url: () => string,
  start: (db: string) => Promise<GatewayChild[]>,
): Promise<ModeResult> {
  const coresAvailableBefore = await probeAvailableCores();
  const loadAverageBefore = machineInfo().loadAverage;
  const db = join(dir, `${mode}.db`);
  const gateways = await start(db);
  try {
    const started = performance.now();
    const pubackMs = await drive(url(), started);
    while (storedIds(db).length < total) await new Promise((r) => setTimeout(r, 50));
    const seconds = (performance.now() - started) / 1000;
    const result = {
      mode,
      gateways: gatewayCount,
      readings: total,
      storedPerSecond: Math.round(total / seconds),
      pubackPerSecond: Math.round(total / (pubackMs / 1000)),
      seconds: Math.round(seconds * 100) / 100,
      coresAvailableBefore,
      loadAverageBefore,
    };
    log(
      `  ${mode.padEnd(12)} ${String(result.storedPerSecond).padStart(7)} stored/s  ${String(result.pubackPerSecond).padStart(7)} PUBACK/s  (${result.seconds} s; ${coresAvailableBefore} cores free before)`,
    );
    return result;
  } finally {
    for (const g of gateways) g.child.kill("SIGTERM");
    await Promise.all(gateways.map((g) => g.exited));
  }
}

let rabbit: RabbitCluster | undefined;
const results: ModeResult[] = [];
try {
  log(`${total} readings from ${PARAMETERS.devices} devices, window ${PARAMETERS.window}`);
  let embeddedPort = 0;
  results.push(
    await measure(
      "embedded",
      1,
      () => `mqtt://127.0.0.1:${embeddedPort}`,
      async (db) => {
        const g = await spawnGateway(db, devices, gatewayBase);
        embeddedPort = g.port;
        return [g];
      },
    ),
  );
  const authPort = await freePort();
  rabbit = await startRabbitCluster({ nodes: 1, authUrl: `http://127.0.0.1:${authPort}/auth` });
  const cluster = rabbit;
  const rabbitEnv = (auth: boolean) => ({
    ...gatewayBase,
    SEALTRAIL_GATEWAY_MODE: "rabbitmq",
    SEALTRAIL_RABBITMQ_URLS: JSON.stringify(cluster.gatewayUrls),
    SEALTRAIL_RABBITMQ_QUEUES: String(PARAMETERS.queues),
    SEALTRAIL_RABBITMQ_PREFETCH: String(PARAMETERS.prefetch),
    ...(auth ? { SEALTRAIL_RABBITMQ_AUTH_PORT: String(authPort) } : {}),
  });
  for (const count of [1, 2]) {
    results.push(
      await measure(
        `rabbitmq-${count}`,
        count,
        () => cluster.nodes[0]!.mqttUrl,
        async (db) => {
          const gateways = [await spawnGateway(db, devices, rabbitEnv(true))];
          if (count === 2) gateways.push(await spawnGateway(db, devices, rabbitEnv(false)));
          return gateways;
        },
      ),
    );
  }
} finally {
  await rabbit?.stop();
  rmSync(dir, { recursive: true, force: true });
}

writeReport(args.out!, {
  bench: "rabbitmq",
  date: new Date().toISOString(),
  machine: machineInfo(),
  versions: {
    ...packageVersions(["amqplib", "mqtt", "aedes", "better-sqlite3"]),
    rabbitmq: "3.10.8 (Debian)",
  },
  parameters: PARAMETERS,
  results,
  notes: [
    "One run per mode. Everything runs on this machine: RabbitMQ, the gateways and the load generator share its cores.",
    "RabbitMQ modes: one node; its PUBACK means the quorum queue has the reading, the stored rate is what the gateways keep up with.",
  ],
});
log(`wrote ${args.out}`);
