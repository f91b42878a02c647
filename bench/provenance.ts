/**
 * How long `GET /api/v1/provenance` takes for a product whose pallet's sensor reported every minute for
 * 30 days (43,200 signed readings, ~10 EPCIS events), in a store that holds as many other readings as this
 * machine inserts in about a minute (the issue's target store holds 10 million: the report says how many
 * were reached). A program, not a test: it prints and writes bench/results/provenance.json with the machine,
 * Node and package versions, the parameters, p50/p95 over the timed requests, and the response size.
 *
 * Real parts: the item's readings are signed (libsecp256k1 when its addon loads, else noble), the events
 * are captured over HTTP by the EPCIS capture route (operator as attester), and the request goes over
 * loopback HTTP to the API on a real SQLite file. The other readings are filler rows of the same shape
 * (random ids and bytes, many devices): the provenance query never verifies, it only has to find its rows
 * among them, so their signatures do not matter. They are written with synchronous=OFF (setup, not timed).
 *
 *   bin/dev npm run bench:provenance                         # ~60 s of filler, 50 timed requests
 *   bin/dev npm run bench:provenance -- --fill-seconds 10 --runs 10
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import Database from "better-sqlite3";
import { API_PREFIX, startApi } from "#api";
import { DeviceRegistry, SqliteStore } from "#gateway";
import { canonicalIdentifier } from "#gs1";
import {
  addressToBytes,
  assembleCoseSign1,
  bytesToHex,
  type DeviceIdentity,
  deviceIdentityFromPrivateKey,
  encodeProtectedHeader,
  encodeReadingPayload,
  GENESIS_PREV,
  keccak256,
  signDigest,
  signingDigest,
} from "#protocol";
import { machineInfo, packageVersions, writeReport } from "./lib/report.ts";

const { values: args } = parseArgs({
  options: {
    "fill-seconds": { type: "string", default: "60" },
    runs: { type: "string", default: "50" },
    days: { type: "string", default: "30" },
    /** Keep the store file at this path (for looking at query plans afterwards) instead of a temp dir. */
    keep: { type: "string" },
  },
});
const MIN = 60_000;
const PARAMETERS = {
  /** The item's sensor: one reading a minute for this many days. */
  days: Number(args.days),
  itemReadings: Number(args.days) * 24 * 60,
  /** Filler readings are inserted for about this long (after the item's). */
  fillSeconds: Number(args["fill-seconds"]),
  fillerDevices: 10_000,
  /** One of the item's readings every this many filler rows, so they lie spread through the table. */
  spreadEvery: 20,
  batchSize: 2_000,
  warmupRuns: 3,
  runs: Number(args.runs),
} as const;

const ADMIN_TOKEN = "EXAMPLE-bench-admin-token-only";
const key = (label: string): DeviceIdentity =>
  deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode(`EXAMPLE bench provenance ${label}`)));
const sensor = key("reefer");
const attester = key("attester");
const PRODUCT = "urn:epc:id:sgtin:4012345.011111.BENCH1";
const PALLET = "urn:epc:id:sscc:4012345.0000000777";
const GIAI = "urn:epc:id:giai:4012345.BENCHREEFER";

type NativeSigner = { ecdsaSign(digest: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array } };
function digestSigner(): (digest: Uint8Array, key: Uint8Array) => Uint8Array {
  try {
    const native = createRequire(import.meta.url)("secp256k1/bindings.js") as NativeSigner;
    return (d, k) => native.ecdsaSign(d, k).signature;
  } catch {
    return signDigest;
  }
}

/** The sensor's readings: 4–6 °C, one a minute from `t0`, hash-chained. */
function signItemReadings(t0: number) {
  const sign = digestSigner();
  const protectedBytes = encodeProtectedHeader(addressToBytes(sensor.address));
  let prev: Uint8Array = GENESIS_PREV;
  const out: { raw: Uint8Array; seq: number; ts: number; payload: string }[] = [];
  for (let seq = 1; seq <= PARAMETERS.itemReadings; seq++) {
    const ts = t0 + (seq - 1) * MIN;
    const tempC = 5 + Math.round(Math.sin(seq / 90) * 80) / 100;
    const reading = { v: 1 as const, seq, ts, prev, m: { temp_c: tempC, rh_pct: 88 } };
    const payload = encodeReadingPayload(reading);
    const raw = assembleCoseSign1(
      protectedBytes,
      payload,
      sign(signingDigest(protectedBytes, payload), sensor.privateKey),
    );
    out.push({
      raw,
      seq,
      ts,
      payload: JSON.stringify({ v: 1, seq, ts, prev: bytesToHex(prev), m: reading.m }),
    });
    prev = keccak256(raw);
  }
  return out;
}

/** Writes the item's readings spread through filler rows, then filler until the time is up; seals batches. */
function fill(path: string, t0: number, log: (line: string) => void) {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  const insert = db.prepare(
    "INSERT INTO messages (id, device, seq, raw, device_ts, received_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  const devices = Array.from({ length: PARAMETERS.fillerDevices }, (_, i) => ({
    address: `0x${bytesToHex(keccak256(new TextEncoder().encode(`filler ${i}`))).slice(26)}`,
    seq: 0,
  }));
  const filler = (ts: number) => {
    const d = devices[Math.floor(Math.random() * devices.length)]!;
    d.seq++;
    const payload = `{"v":1,"seq":${d.seq},"ts":${ts},"prev":"0x${"00".repeat(32)}","m":{"temp_c":4.2,"rh_pct":61}}`;
    insert.run(randomBytes(32), d.address, d.seq, randomBytes(140), ts, ts + 200, payload);
  };
  const signStart = performance.now();
  const item = signItemReadings(t0);
  const signSeconds = (performance.now() - signStart) / 1000;
  log(`  signed ${item.length} readings of the item's sensor in ${signSeconds.toFixed(1)} s`);
  const started = performance.now();
  let fillerRows = 0;
  // Arrival follows time, as at a gateway: minute by minute, the item's reading among the other devices'.
  const chunk = db.transaction((fromMinute: number, minutes: number) => {
    for (let m = fromMinute; m < fromMinute + minutes; m++) {
      const r = item[m];
      if (r) {
        insert.run(
          Buffer.from(keccak256(r.raw)),
          sensor.address,
          r.seq,
          Buffer.from(r.raw),
          r.ts,
          r.ts + 150,
          r.payload,
        );
      }
      for (let k = 0; k < PARAMETERS.spreadEvery; k++) filler(t0 + m * MIN + k);
      fillerRows += PARAMETERS.spreadEvery;
    }
  });
  let minute = 0;
  while (minute < item.length || performance.now() - started < PARAMETERS.fillSeconds * 1000) {
    chunk(minute, 1_000);
    minute += 1_000;
  }
  const fillSeconds = (performance.now() - started) / 1000;
  const total = db.prepare("SELECT count(*) FROM messages").pluck().get() as number;
  log(`  ${total.toLocaleString("en")} readings stored in ${fillSeconds.toFixed(0)} s`);
  // Batches of every batchSize messages, all anchored (final) on the bench's target.
  db.transaction(() => {
    const seal = db.prepare(
      "INSERT INTO batches (root, first_n, last_n, size, sealed_at) VALUES (?, ?, ?, ?, ?)",
    );
    const anchor = db.prepare(
      `INSERT INTO anchors (batch_id, chain_id, contract, status, tx_hash, block_number, block_timestamp, updated_at)
       VALUES (?, 31337, ?, 'final', ?, ?, ?, ?)`,
    );
    for (let first = 1, id = 1; first <= total; first += PARAMETERS.batchSize, id++) {
      const last = Math.min(total, first + PARAMETERS.batchSize - 1);
      seal.run(randomBytes(32), first, last, last - first + 1, t0);
      anchor.run(id, TARGET.contract, `0x${randomBytes(32).toString("hex")}`, id, t0 / 1000, t0);
    }
  })();
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  return { total, fillerRows, fillSeconds, signSeconds };
}

const TARGET = { chainId: 31337, contract: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as const };

async function main() {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const dir = mkdtempSync(join(tmpdir(), "sealtrail-bench-provenance-"));
  const path = args.keep ?? join(dir, "store.db");
  const t0 = Date.parse("2026-01-01T00:00:00.000Z");
  try {
    await SqliteStore.open(path, { writerThread: false }).close();
    const filled = fill(path, t0, log);
    const store = SqliteStore.open(path);
    const registry = new DeviceRegistry(store);
    await registry.load();
    const api = await startApi({
      store,
      registry,
      adminToken: ADMIN_TOKEN,
      attester,
      anchorTargets: () => [TARGET],
      isReady: () => true,
      port: 0,
    });
    try {
      const admin = { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" };
      const base = `${api.url}${API_PREFIX}`;
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
      const at = (minute: number) => new Date(t0 + minute * MIN).toISOString();
      const ev = (minute: number, fields: Record<string, unknown>) => ({
        eventTime: at(minute),
        eventTimeZoneOffset: "+00:00",
        ...fields,
      });
      const end = PARAMETERS.itemReadings - 1;
      const events = [
        ev(-60, { type: "ObjectEvent", action: "ADD", epcList: [PRODUCT], bizStep: "commissioning" }),
        ev(-30, {
          type: "AggregationEvent",
          action: "ADD",
          parentID: PALLET,
          childEPCs: [PRODUCT],
          bizStep: "packing",
        }),
        ev(0, {
          type: "AssociationEvent",
          action: "ADD",
          parentID: PALLET,
          childEPCs: [GIAI],
          bizStep: "assembling",
        }),
        ev(10, { type: "ObjectEvent", action: "OBSERVE", epcList: [PALLET], bizStep: "shipping" }),
        ev(end / 3, { type: "ObjectEvent", action: "OBSERVE", epcList: [PALLET], bizStep: "arriving" }),
        ev(end / 3 + 60, { type: "ObjectEvent", action: "OBSERVE", epcList: [PALLET], bizStep: "departing" }),
        ev(end - 20, { type: "ObjectEvent", action: "OBSERVE", epcList: [PALLET], bizStep: "receiving" }),
        ev(end, {
          type: "AssociationEvent",
          action: "DELETE",
          parentID: PALLET,
          childEPCs: [GIAI],
          bizStep: "removing",
        }),
        ev(end + 10, {
          type: "AggregationEvent",
          action: "DELETE",
          parentID: PALLET,
          childEPCs: [PRODUCT],
          bizStep: "unpacking",
        }),
        ev(end + 30, { type: "ObjectEvent", action: "OBSERVE", epcList: [PRODUCT], bizStep: "storing" }),
      ];
      const captured = await fetch(`${api.url}/epcis/capture?organisation=bench&visibility=public`, {
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
          await fetch(`${api.url}${captured.headers.get("location")}`, { headers: admin })
        ).json()) as {
          running: boolean;
          errors: unknown[];
        };
        if (job.running) continue;
        if (job.errors.length > 0) throw new Error(`capture failed: ${JSON.stringify(job.errors)}`);
        break;
      }
      const url = `${base}/provenance?item=${encodeURIComponent(PRODUCT)}`;
      let body = "";
      const once = async () => {
        const started = performance.now();
        const res = await fetch(url);
        body = await res.text();
        if (res.status !== 200) throw new Error(`provenance answered ${res.status}: ${body.slice(0, 300)}`);
        return performance.now() - started;
      };
      for (let i = 0; i < PARAMETERS.warmupRuns; i++) await once();
      const times: number[] = [];
      for (let i = 0; i < PARAMETERS.runs; i++) times.push(await once());
      times.sort((a, b) => a - b);
      const pct = (p: number) =>
        Math.round(times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)]! * 10) / 10;
      const doc = JSON.parse(body) as {
        events: unknown[];
        devices: { readings: { count: number }; complete: boolean }[];
        coldChain: { verdict: string };
      };
      const result = {
        storedReadings: filled.total,
        itemReadingsReturned: doc.devices[0]?.readings.count ?? 0,
        events: doc.events.length,
        verdict: doc.coldChain.verdict,
        complete: doc.devices[0]?.complete ?? false,
        p50Ms: pct(0.5),
        p95Ms: pct(0.95),
        minMs: Math.round(times[0]! * 10) / 10,
        maxMs: Math.round(times.at(-1)! * 10) / 10,
        responseBytes: Buffer.byteLength(body),
        responseGzipBytes: gzipSync(body).length,
        fillSeconds: Math.round(filled.fillSeconds),
        fillRowsPerSecond: Math.round(filled.fillerRows / filled.fillSeconds),
        signSeconds: Math.round(filled.signSeconds * 10) / 10,
      };
      log(
        `  item: ${canonicalIdentifier(PRODUCT)} — ${result.events} events, ${result.itemReadingsReturned} readings, ${result.verdict}`,
      );
      log(
        `  GET /provenance over ${PARAMETERS.runs} runs: p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms (min ${result.minMs}, max ${result.maxMs})`,
      );
      log(
        `  response ${(result.responseBytes / 1e6).toFixed(2)} MB (${(result.responseGzipBytes / 1e6).toFixed(2)} MB gzipped)`,
      );
      const out = join(import.meta.dirname, "results", "provenance.json");
      writeReport(out, {
        benchmark: "provenance",
        date: new Date().toISOString(),
        machine: machineInfo(),
        versions: packageVersions(["better-sqlite3", "express"]),
        parameters: PARAMETERS,
        targetStoreReadings: 10_000_000,
        result,
      });
      log(`  wrote ${out}`);
    } finally {
      await api.close();
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
