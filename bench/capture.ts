/**
 * EPCIS capture throughput: events per second through `POST /epcis/capture` until each job reports done —
 * bounded parsing, GS1's JSON Schema and the rules, identifier checks, the CBV 2.0 hash ID, the operator's
 * ES256K attestation of every event and the durable write (SQLite WAL, synchronous=FULL, one transaction per
 * document) — over real HTTP on loopback, on a real store file. Target on 2 cores: ≥ 2,000 events/s in
 * documents of 100 events.
 *
 * A program, not a test: it prints a table and writes bench/results/capture.json with the machine, Node and
 * package versions, the parameters and the medians. Documents are sent one at a time and, in a second
 * phase, several at once (clients in flight), each waiting for its job. Every event is distinct (serials and
 * times) so no duplicate short-cuts the work. The API runs in this process (as in the demo); the client's own
 * work (building JSON, polling) is in the figures too. Run with `bin/dev npm run bench:capture` (~40 s).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApi } from "#api";
import { DeviceRegistry, SqliteStore } from "#gateway";
import { deviceIdentityFromPrivateKey, keccak256 } from "#protocol";
import { machineInfo, median, packageVersions, writeReport } from "./lib/report.ts";

const PARAMETERS = {
  eventsPerDocument: 100,
  /** Documents per timed round; one untimed warm-up round precedes the rounds. */
  documentsPerRound: 20,
  rounds: 5,
  /** Documents in flight at once in the concurrent phase. */
  concurrency: 4,
} as const;

// EXAMPLE keys and token, made for this benchmark only.
const attester = deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode("EXAMPLE bench attester")));
const ADMIN = "EXAMPLE-bench-admin-token-0123456789";
const GLN = "4012345000009";
let serial = 0;

function documentOf(count: number): string {
  const events = [];
  for (let i = 0; i < count; i++) {
    serial++;
    const time = new Date(Date.UTC(2026, 0, 1) + serial * 1_000).toISOString();
    events.push(
      serial % 4 === 0
        ? {
            type: "AggregationEvent",
            eventTime: time,
            eventTimeZoneOffset: "+00:00",
            parentID: `urn:epc:id:sscc:4012345.0${String(serial).padStart(9, "0")}`,
            childEPCs: [0, 1, 2].map((k) => `urn:epc:id:sgtin:4012345.011111.${serial}-${k}`),
            action: "ADD",
            bizStep: "packing",
            readPoint: { id: "urn:epc:id:sgln:4012345.00000.0" },
          }
        : {
            type: "ObjectEvent",
            eventTime: time,
            eventTimeZoneOffset: "+00:00",
            epcList: [`urn:epc:id:sgtin:4012345.011111.${serial}`],
            action: "OBSERVE",
            bizStep: "shipping",
            disposition: "in_transit",
            readPoint: { id: "urn:epc:id:sgln:4012345.00000.0" },
            bizLocation: { id: "urn:epc:id:sgln:4012345.00000.0" },
          },
    );
  }
  return JSON.stringify({
    "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
    type: "EPCISDocument",
    schemaVersion: "2.0",
    creationDate: new Date().toISOString(),
    epcisBody: { eventList: events },
  });
}

const dir = mkdtempSync(join(tmpdir(), "sealtrail-bench-capture-"));
const store = SqliteStore.open(join(dir, "store.db"));
const registry = new DeviceRegistry(store);
await registry.load();
const api = await startApi({
  store,
  registry,
  adminToken: ADMIN,
  anchorTargets: () => [],
  isReady: () => true,
  attester,
  port: 0,
});
const admin = { Authorization: `Bearer ${ADMIN}`, "Content-Type": "application/json" };

async function captureOne(): Promise<void> {
  const res = await fetch(`${api.url}/epcis/capture?organisation=bench`, {
    method: "POST",
    headers: admin,
    body: documentOf(PARAMETERS.eventsPerDocument),
  });
  if (res.status !== 202) throw new Error(`capture answered ${res.status}: ${await res.text()}`);
  const location = res.headers.get("location")!;
  for (;;) {
    const job = (await (await fetch(`${api.url}${location}`, { headers: admin })).json()) as {
      running: boolean;
      success?: boolean;
      errors?: unknown[];
    };
    if (!job.running) {
      if (job.success === false || (job.errors?.length ?? 0) > 0)
        throw new Error(`capture job failed: ${JSON.stringify(job).slice(0, 500)}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function round(concurrency: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < PARAMETERS.documentsPerRound) {
      next++;
      await captureOne();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return (PARAMETERS.documentsPerRound * PARAMETERS.eventsPerDocument) / seconds;
}

try {
  const created = await fetch(`${api.url}/api/v1/organisations`, {
    method: "POST",
    headers: admin,
    body: JSON.stringify({ id: "bench", name: "Bench Foods", glns: [GLN] }),
  });
  if (created.status !== 201)
    throw new Error(`creating the organisation: ${created.status} ${await created.text()}`);
  const results: Record<string, { eventsPerSecond: number; rounds: number[] }> = {};
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  for (const [name, concurrency] of [
    ["sequential", 1],
    ["concurrent", PARAMETERS.concurrency],
  ] as const) {
    await round(concurrency); // warm-up
    const rounds: number[] = [];
    for (let r = 0; r < PARAMETERS.rounds; r++) rounds.push(Math.round(await round(concurrency)));
    results[name] = { eventsPerSecond: median(rounds), rounds };
    console.log(
      `${name.padEnd(11)} ${String(median(rounds)).padStart(6)} events/s  (rounds: ${rounds.join(", ")})`,
    );
  }
  const cpu = process.cpuUsage(cpuStart);
  const cpuShare = (cpu.user + cpu.system) / 1000 / (performance.now() - wallStart);
  const report = {
    benchmark: "capture",
    description:
      "EPCIS events/s through POST /epcis/capture until the job is done (checks, hash ID, attestation, durable write)",
    date: new Date().toISOString(),
    machine: machineInfo(),
    packages: packageVersions(["ajv", "better-sqlite3", "@noble/secp256k1", "express"]),
    parameters: PARAMETERS,
    targetEventsPerSecond: 2_000,
    processCpuShare: Math.round(cpuShare * 100) / 100,
    storedMessages: await store.countMessages(),
    results,
  };
  writeReport(new URL("./results/capture.json", import.meta.url).pathname, report);
  console.log(`process CPU ${report.processCpuShare} cores; wrote bench/results/capture.json`);
} finally {
  await api.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
