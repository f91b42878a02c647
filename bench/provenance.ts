/**
 * How long `GET /api/v1/provenance/01/{gtin}/21/{serial}` takes for a product whose pallet's sensor reported
 * every minute for 30 days (43,200 signed readings, 10 EPCIS events), in a store holding 10 million
 * readings (issue 12's target: ≤ 200 ms p95 on 2 cores). A program, not a test: it prints and writes
 * bench/results/provenance.json with the machine, Node and package versions, the parameters, p50/p95 over
 * the timed requests (asking for gzip as a browser does; then with `Accept-Encoding: identity`, and with
 * `?readingIds=1`), the time of each phase of a request, and the response size.
 *
 * The store (bench/lib/buildProvenanceStore.ts) is built once and cached under os.tmpdir(), keyed by its
 * parameters: the first run builds it (10 M readings: several minutes, ~5 GB; the build time is printed
 * and reported), later runs reuse it. Its events are captured over HTTP by the EPCIS capture route
 * (operator as attester) while it is built; the request goes over loopback HTTP to the API on that file.
 *
 *   bin/dev npm run bench:provenance                          # 10 M readings, 50 timed requests
 *   bin/dev npm run bench:provenance -- --readings 1000000 --runs 20
 *   bin/dev npm run bench:provenance -- --rebuild             # build the cached store again
 */
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import Database from "better-sqlite3";
import { API_PREFIX, startApi } from "#api";
import { DeviceRegistry, SqliteStore } from "#gateway";
import { bytesToHex, type DeviceIdentity, deviceIdentityFromPrivateKey, keccak256 } from "#protocol";
import { checkReadingChain } from "#provenance";
import { DEFAULT_MAX_SILENCE_MS } from "../api/routes/provenance/getProvenance.ts";
import { buildProvenance } from "../api/services/provenance/buildProvenance.ts";
import { chainLinksOf, joinReadingColumns } from "../api/services/provenance/readingColumns.ts";
import { parseItemParam } from "../api/validation/parseItemParam.ts";
import { readingHexSql, readingNumbersSql } from "../gateway/store/sqlite/events/readingColumnsAround.ts";
import { BENCH_TARGET, buildProvenanceStore, MINUTE_MS } from "./lib/buildProvenanceStore.ts";
import { machineInfo, median, packageVersions, writeReport } from "./lib/report.ts";

const { values: args } = parseArgs({
  options: {
    readings: { type: "string", default: "10000000" },
    runs: { type: "string", default: "50" },
    days: { type: "string", default: "30" },
    rebuild: { type: "boolean", default: false },
  },
});
const PARAMETERS = {
  store: {
    readings: Number(args.readings),
    days: Number(args.days),
    fillerDevices: 10_000,
    batchSize: 2_000,
    t0: Date.parse("2026-01-01T00:00:00.000Z"),
  },
  itemReadings: Number(args.days) * 24 * 60,
  warmupRuns: 3,
  runs: Number(args.runs),
  /** Requests with ?readingIds=1 (each row with its message id), timed after the plain ones. */
  idRuns: Math.max(5, Math.ceil(Number(args.runs) / 3)),
  /** Each phase is timed in process this many times (medians reported). */
  phaseRuns: 10,
} as const;

const ADMIN_TOKEN = "EXAMPLE-bench-admin-token-only";
const key = (label: string): DeviceIdentity =>
  deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode(`EXAMPLE bench provenance ${label}`)));
const sensor = key("reefer");
const attester = key("attester");
const PRODUCT = "urn:epc:id:sgtin:4012345.011111.BENCH1";
const PALLET = "urn:epc:id:sscc:4012345.0000000777";
const GIAI = "urn:epc:id:giai:4012345.BENCHREEFER";
const log = (line: string) => process.stdout.write(`${line}\n`);

async function withApi<T>(path: string, use: (base: string, store: SqliteStore) => Promise<T>): Promise<T> {
  const store = SqliteStore.open(path);
  const registry = new DeviceRegistry(store);
  await registry.load();
  const api = await startApi({
    store,
    registry,
    adminToken: ADMIN_TOKEN,
    attester,
    anchorTargets: () => [BENCH_TARGET],
    isReady: () => true,
    port: 0,
  });
  try {
    return await use(api.url, store);
  } finally {
    await api.close();
    await store.close();
  }
}

/** Registers the sensor (with its GIAI) and the organisation, and captures the item's 10 events. */
async function captureJourney(path: string): Promise<void> {
  const t0 = PARAMETERS.store.t0;
  await withApi(path, async (url) => {
    const admin = { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" };
    const base = `${url}${API_PREFIX}`;
    await fetch(`${base}/devices`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ publicKey: bytesToHex(sensor.publicKey), label: "bench reefer", giai: GIAI }),
    });
    await fetch(`${base}/organisations`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ id: "bench", name: "Bench Pharma", glns: ["4012345000009"] }),
    });
    const at = (minute: number) => new Date(t0 + minute * MINUTE_MS).toISOString();
    const ev = (minute: number, fields: Record<string, unknown>) => ({
      eventTime: at(minute),
      eventTimeZoneOffset: "+00:00",
      ...fields,
    });
    const end = PARAMETERS.itemReadings - 1;
    const observe = (minute: number, epc: string, bizStep: string) =>
      ev(minute, { type: "ObjectEvent", action: "OBSERVE", epcList: [epc], bizStep });
    const unit = (minute: number, type: string, action: string, child: string, bizStep: string) =>
      ev(minute, { type, action, parentID: PALLET, childEPCs: [child], bizStep });
    const events = [
      ev(-60, { type: "ObjectEvent", action: "ADD", epcList: [PRODUCT], bizStep: "commissioning" }),
      unit(-30, "AggregationEvent", "ADD", PRODUCT, "packing"),
      unit(0, "AssociationEvent", "ADD", GIAI, "assembling"),
      observe(10, PALLET, "shipping"),
      observe(Math.floor(end / 3), PALLET, "arriving"),
      observe(Math.floor(end / 3) + 60, PALLET, "departing"),
      observe(end - 20, PALLET, "receiving"),
      unit(end, "AssociationEvent", "DELETE", GIAI, "removing"),
      unit(end + 10, "AggregationEvent", "DELETE", PRODUCT, "unpacking"),
      observe(end + 30, PRODUCT, "storing"),
    ];
    const captured = await fetch(`${url}/epcis/capture?organisation=bench&visibility=public`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        type: "EPCISDocument",
        schemaVersion: "2.0",
        creationDate: at(0),
        epcisBody: { eventList: events },
      }),
    });
    for (;;) {
      const job = (await (
        await fetch(`${url}${captured.headers.get("location")}`, { headers: admin })
      ).json()) as {
        running: boolean;
        errors: unknown[];
      };
      if (job.running) continue;
      if (job.errors.length > 0) throw new Error(`capture failed: ${JSON.stringify(job.errors)}`);
      return;
    }
  });
}

const round1 = (ms: number) => Math.round(ms * 10) / 10;
/** Wall and CPU time of one call, ms. CPU time (this process, all threads) holds up better on a shared machine. */
type Timing = { wallMs: number; cpuMs: number };
async function timed(f: () => unknown): Promise<Timing> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await f();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}
async function medianTiming(runs: number, f: () => unknown): Promise<Timing> {
  const all: Timing[] = [];
  for (let i = 0; i < runs; i++) all.push(await timed(f));
  return { wallMs: round1(median(all.map((t) => t.wallMs))), cpuMs: round1(median(all.map((t) => t.cpuMs))) };
}

/**
 * Each phase of the request on its own, in process: the SQL of the readings window (its two statements
 * alone, on a second connection: the numbers per reading, the ids and prevs concatenated), the store call
 * (SQL, batches, columns), the completeness check (links made from the columns, then checked), the whole
 * document (events, readings, anchors, cold-chain assessment), and JSON serialization. What the HTTP request
 * costs beyond the document and its JSON is the rest (Express, the socket, the client).
 */
async function measurePhases(path: string, store: SqliteStore) {
  const runs = PARAMETERS.phaseRuns;
  const t0 = PARAMETERS.store.t0;
  const from = t0;
  const to = t0 + (PARAMETERS.itemReadings - 1) * MINUTE_MS;
  const db = new Database(path, { readonly: true });
  const numbers = db.prepare(readingNumbersSql("within")).raw();
  const hex = db.prepare(readingHexSql("within")).raw();
  const sql = await medianTiming(runs, () => {
    numbers.all(sensor.address, from, to, 1e9);
    hex.get(sensor.address, from, to, 1e9);
  });
  db.close();
  const storeCall = await medianTiming(runs, () => store.readingColumnsAround(sensor.address, from, to));
  const w = await store.readingColumnsAround(sensor.address, from, to);
  const chainCheck = await medianTiming(runs, () =>
    checkReadingChain(chainLinksOf(joinReadingColumns([w.before, w.within, w.after])), {
      from,
      to,
      maxSilenceMs: DEFAULT_MAX_SILENCE_MS,
    }),
  );
  const item = parseItemParam(PRODUCT);
  const ctx = {
    store,
    targets: [BENCH_TARGET],
    access: "public" as const,
    viewer: { kind: "anonymous" } as const,
    now: Date.now(),
    maxSilenceMs: DEFAULT_MAX_SILENCE_MS,
  };
  const document = await medianTiming(runs, () => buildProvenance(item, ctx));
  const doc = await buildProvenance(item, ctx);
  const json = await medianTiming(runs, () => JSON.stringify(doc));
  const withIds = { ...ctx, readingIds: true };
  const documentWithIds = await medianTiming(runs, () => buildProvenance(item, withIds));
  const docWithIds = await buildProvenance(item, withIds);
  const jsonWithIds = await medianTiming(runs, () => JSON.stringify(docWithIds));
  return { sql, storeCall, chainCheck, document, json, documentWithIds, jsonWithIds };
}

async function main() {
  log(`provenance benchmark: ${PARAMETERS.store.readings.toLocaleString("en")} readings in the store`);
  const built = await buildProvenanceStore(PARAMETERS.store, sensor, {
    rebuild: args.rebuild,
    log,
    afterFill: captureJourney,
  });
  log(
    built.built
      ? `  built ${built.path} in ${built.buildSeconds.toFixed(0)} s (${built.rowsPerSecond.toLocaleString("en")} readings/s)`
      : `  reusing the cached store ${built.path} (--rebuild to build it again)`,
  );
  await withApi(built.path, async (url, store) => {
    const path = new URL(parseItemParam(PRODUCT).id).pathname;
    const requestUrl = `${url}${API_PREFIX}/provenance${path}`;
    const pctOf = (sorted: number[], p: number) =>
      round1(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!);
    /**
     * `runs` timed requests (after the warm-up ones) with this query and these headers: fetch asks for
     * gzip by default, as a browser does; `Accept-Encoding: identity` asks for the body as it is.
     */
    const series = async (runs: number, query = "", headers: Record<string, string> = {}) => {
      let body = "";
      let wireBytes = 0;
      const once = () =>
        timed(async () => {
          const res = await fetch(`${requestUrl}${query}`, { headers });
          body = await res.text();
          wireBytes = Number(res.headers.get("content-length"));
          if (res.status !== 200) throw new Error(`provenance answered ${res.status}: ${body.slice(0, 300)}`);
        });
      for (let i = 0; i < PARAMETERS.warmupRuns; i++) await once();
      const timings: Timing[] = [];
      for (let i = 0; i < runs; i++) timings.push(await once());
      const wall = timings.map((t) => t.wallMs).sort((a, b) => a - b);
      const cpu = timings.map((t) => t.cpuMs).sort((a, b) => a - b);
      return {
        body,
        times: wall,
        stats: {
          p50Ms: pctOf(wall, 0.5),
          p95Ms: pctOf(wall, 0.95),
          cpuP50Ms: pctOf(cpu, 0.5),
          cpuP95Ms: pctOf(cpu, 0.95),
          responseBytes: Buffer.byteLength(body),
          wireBytes,
        },
      };
    };
    const withIds = (await series(PARAMETERS.idRuns, "?readingIds=1")).stats;
    const identity = (await series(PARAMETERS.idRuns, "", { "Accept-Encoding": "identity" })).stats;
    const { body, times, stats } = await series(PARAMETERS.runs);
    const cpuTimes = [stats.cpuP50Ms, stats.cpuP95Ms];
    const pct = (p: number) => pctOf(times, p);
    const phases = await measurePhases(built.path, store);
    const doc = JSON.parse(body) as {
      events: unknown[];
      devices: { readings: { count: number }; complete: boolean }[];
      coldChain: { verdict: string };
    };
    const stored = await store.countMessages();
    const result = {
      storedMessages: stored,
      itemReadingsReturned: doc.devices[0]?.readings.count ?? 0,
      events: doc.events.length,
      verdict: doc.coldChain.verdict,
      complete: doc.devices[0]?.complete ?? false,
      p50Ms: pct(0.5),
      p95Ms: pct(0.95),
      minMs: round1(times[0]!),
      maxMs: round1(times.at(-1)!),
      /** CPU time of this process (server and client) per request. */
      cpuP50Ms: cpuTimes[0]!,
      cpuP95Ms: cpuTimes[1]!,
      loadAverageAfter: machineInfo().loadAverage,
      phasesMedianMs: phases,
      responseBytes: Buffer.byteLength(body),
      responseGzipBytes: gzipSync(body).length,
      /** Bytes on the wire: the API's gzip (level 1), fetch having asked for it. */
      wireBytes: stats.wireBytes,
      /** The same request with Accept-Encoding: identity (no gzip). */
      identity,
      /** The same request with ?readingIds=1 (gzip). */
      withIds,
      storeBuilt: built.built,
      buildSeconds: Math.round(built.buildSeconds),
      buildReadingsPerSecond: built.rowsPerSecond,
      signSeconds: round1(built.signSeconds),
    };
    log(`  GET ${API_PREFIX}/provenance${path}`);
    log(
      `  item: ${result.events} events, ${result.itemReadingsReturned} readings, ${result.verdict}, ${result.complete ? "complete" : "incomplete"}; ${stored.toLocaleString("en")} messages stored`,
    );
    log(
      `  over ${PARAMETERS.runs} runs: p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms (min ${result.minMs}, max ${result.maxMs}); CPU per request p50 ${result.cpuP50Ms} ms, p95 ${result.cpuP95Ms} ms`,
    );
    const phase = (t: Timing) => `${t.wallMs} ms (CPU ${t.cpuMs})`;
    log(
      `  phases (median of ${PARAMETERS.phaseRuns}): SQL ${phase(phases.sql)}, store call ${phase(phases.storeCall)}, chain check ${phase(phases.chainCheck)}, document ${phase(phases.document)}, JSON ${phase(phases.json)}`,
    );
    log(
      `  with Accept-Encoding: identity over ${PARAMETERS.idRuns} runs: p50 ${identity.p50Ms} ms, p95 ${identity.p95Ms} ms; CPU per request p50 ${identity.cpuP50Ms} ms, p95 ${identity.cpuP95Ms} ms; ${(identity.wireBytes / 1e6).toFixed(2)} MB on the wire`,
    );
    log(
      `  with ?readingIds=1 over ${PARAMETERS.idRuns} runs: p50 ${withIds.p50Ms} ms, p95 ${withIds.p95Ms} ms; CPU per request p50 ${withIds.cpuP50Ms} ms, p95 ${withIds.cpuP95Ms} ms; document ${phase(phases.documentWithIds)}, JSON ${phase(phases.jsonWithIds)}; ${(withIds.responseBytes / 1e6).toFixed(2)} MB (${(withIds.wireBytes / 1e6).toFixed(2)} MB on the wire)`,
    );
    log(`  load average ${machineInfo().loadAverage.join(", ")} on ${machineInfo().cores} cores`);
    log(
      `  response ${(result.responseBytes / 1e6).toFixed(2)} MB (${(result.wireBytes / 1e6).toFixed(2)} MB on the wire, gzip level 1; ${(result.responseGzipBytes / 1e6).toFixed(2)} MB at level 6)`,
    );
    const out = new URL("results/provenance.json", import.meta.url).pathname;
    writeReport(out, {
      benchmark: "provenance",
      date: new Date().toISOString(),
      machine: machineInfo(),
      versions: packageVersions(["better-sqlite3", "express"]),
      parameters: PARAMETERS,
      storePath: built.path,
      targetStoreReadings: 10_000_000,
      result,
    });
    log(`  wrote ${out}`);
  });
}

await main();
