/**
 * Builds the provenance benchmark's store: one SQLite file holding `readings` readings, of which one
 * sensor's one-a-minute record over `days` days (the item's pallet reefer) lies scattered among filler
 * devices' readings, arriving minute by minute as they would at a gateway. The file is cached under
 * os.tmpdir(), keyed by its parameters and the store schema, so a rerun reuses it.
 *
 * Rows are what the gateway stores: a COSE_Sign1 message (protected header with the device's kid, the CBOR
 * reading payload with seq, ts and the hash chain's prev), its id keccak256(raw), the payload as JSON
 * (readingToJson), (device, seq) counting up per device. The item's sensor's readings are really signed
 * (libsecp256k1 when its addon loads, else noble). Filler signatures are 64 random bytes: signing 10 million
 * readings would cost ~8 min of CPU at ~50 µs each, and nothing the provenance request does reads them.
 *
 * Fast and bounded: prepared statements, 50,000 rows per transaction, synchronous=OFF while building (setup,
 * not measured; the file is renamed into place only once complete; it stays in WAL mode), and a
 * 1 GiB page cache so the random-key indexes (id, (device, seq), (device, device_ts)) are updated in
 * memory. The indexes exist during the inserts, as at a gateway, so their pages interleave as in life.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { SqliteStore } from "#gateway";
import {
  addressToBytes,
  assembleCoseSign1,
  bytesToHex,
  type DeviceIdentity,
  encodeProtectedHeader,
  encodeReadingPayload,
  GENESIS_PREV,
  keccak256,
  prepareHashes,
  type ReadingPayload,
  readingToJson,
  signDigest,
  signingDigest,
} from "#protocol";
// The schema version keys the cache: a store file of another schema is rebuilt, not migrated.
import { prepareMessageInsert } from "../../gateway/store/sqlite/prepareMessageInsert.ts";
import { SCHEMA_VERSION } from "../../gateway/store/sqlite/schema.ts";

export const MINUTE_MS = 60_000;

export type ProvenanceStoreParameters = {
  /** Readings in the store, the item's sensor's included. */
  readings: number;
  /** The item's sensor reports once a minute for this many days. */
  days: number;
  fillerDevices: number;
  /** A batch (all anchored, final) every this many messages. */
  batchSize: number;
  /** Epoch ms of the sensor's first reading. */
  t0: number;
};

export type BuiltStore = {
  path: string;
  /** False when the cached file was reused. */
  built: boolean;
  buildSeconds: number;
  signSeconds: number;
  rowsPerSecond: number;
};

/** Bump when what the builder writes changes, so an older cached file is not reused. */
const LAYOUT_VERSION = 1;
const ROWS_PER_TRANSACTION = 50_000;

type NativeSigner = { ecdsaSign(digest: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array } };
function digestSigner(): (digest: Uint8Array, key: Uint8Array) => Uint8Array {
  try {
    const native = createRequire(import.meta.url)("secp256k1/bindings.js") as NativeSigner;
    return (d, k) => native.ecdsaSign(d, k).signature;
  } catch {
    return signDigest;
  }
}

/** The sensor's temperature at minute `seq`: 4.2–5.8 °C, a slow wave (always within a 2–8 °C profile). */
export const itemTempC = (seq: number) => 5 + Math.round(Math.sin(seq / 90) * 80) / 100;

/** Where the store with these parameters is cached. */
export function provenanceStorePath(p: ProvenanceStoreParameters): string {
  const key = createHash("sha256")
    .update(JSON.stringify({ ...p, schema: SCHEMA_VERSION, layout: LAYOUT_VERSION }))
    .digest("hex")
    .slice(0, 16);
  return join(tmpdir(), `sealtrail-bench-provenance-${p.readings}-${key}.db`);
}

/**
 * The cached store for `p`, built first when absent (or when `rebuild`). `afterFill` runs on the filled
 * store before it is put in place (the benchmark captures the item's events through the API there).
 */
export async function buildProvenanceStore(
  p: ProvenanceStoreParameters,
  sensor: DeviceIdentity,
  options: {
    rebuild: boolean;
    log: (line: string) => void;
    afterFill: (path: string) => Promise<void>;
  },
): Promise<BuiltStore> {
  const path = provenanceStorePath(p);
  if (existsSync(path) && !options.rebuild) {
    return { path, built: false, buildSeconds: 0, signSeconds: 0, rowsPerSecond: 0 };
  }
  const building = `${path}.building`;
  for (const f of [building, `${building}-wal`, `${building}-shm`, path, `${path}-wal`, `${path}-shm`])
    rmSync(f, { force: true });
  await SqliteStore.open(building, { writerThread: false }).close();
  await prepareHashes();
  const started = performance.now();
  const signStart = performance.now();
  const item = signItemReadings(p, sensor);
  const signSeconds = (performance.now() - signStart) / 1000;
  options.log(
    `  signed the item's sensor's ${item.length.toLocaleString("en")} readings in ${signSeconds.toFixed(1)} s`,
  );
  const total = fill(building, p, sensor, item, options.log);
  await options.afterFill(building);
  const buildSeconds = (performance.now() - started) / 1000;
  renameSync(building, path);
  return { path, built: true, buildSeconds, signSeconds, rowsPerSecond: Math.round(total / buildSeconds) };
}

type ItemReading = { raw: Uint8Array; id: Uint8Array; seq: number; ts: number; payload: string };

function signItemReadings(p: ProvenanceStoreParameters, sensor: DeviceIdentity): ItemReading[] {
  const sign = digestSigner();
  const protectedBytes = encodeProtectedHeader(addressToBytes(sensor.address));
  const count = p.days * 24 * 60;
  let prev: Uint8Array = GENESIS_PREV;
  const out: ItemReading[] = [];
  for (let seq = 1; seq <= count; seq++) {
    const reading: ReadingPayload = {
      v: 1,
      seq,
      ts: p.t0 + (seq - 1) * MINUTE_MS,
      prev,
      m: { temp_c: itemTempC(seq), rh_pct: 88 },
    };
    const payload = encodeReadingPayload(reading);
    const raw = assembleCoseSign1(
      protectedBytes,
      payload,
      sign(signingDigest(protectedBytes, payload), sensor.privateKey),
    );
    const id = keccak256(raw);
    out.push({ raw, id, seq, ts: reading.ts, payload: JSON.stringify(readingToJson(reading)) });
    prev = id;
  }
  return out;
}

/** Random bytes drawn in large blocks: one randomBytes call per row would dominate the build. */
function randomPool(): (length: number) => Uint8Array {
  let pool = randomBytes(1 << 20);
  let at = 0;
  return (length) => {
    if (at + length > pool.length) {
      pool = randomBytes(1 << 20);
      at = 0;
    }
    at += length;
    return pool.subarray(at - length, at);
  };
}

/** Inserts the readings minute by minute (the item's, then that minute's filler), then the batches. */
function fill(
  path: string,
  p: ProvenanceStoreParameters,
  sensor: DeviceIdentity,
  item: readonly ItemReading[],
  log: (line: string) => void,
): number {
  const db = new Database(path);
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -1048576");
  // The store's own insert path: the row as the gateway writes it (schema 8 derives columns from the JSON).
  const insert = { run: prepareMessageInsert(db).insert };
  const random = randomPool();
  const devices = Array.from({ length: p.fillerDevices }, (_, i) => {
    const address = `0x${bytesToHex(keccak256(new TextEncoder().encode(`EXAMPLE filler ${i}`))).slice(26)}`;
    return {
      address,
      protectedBytes: encodeProtectedHeader(addressToBytes(address as `0x${string}`)),
      seq: 0,
      prev: GENESIS_PREV as Uint8Array,
    };
  });
  const fillerTotal = Math.max(0, p.readings - item.length);
  const fillerBefore = (minute: number) => Math.floor((minute * fillerTotal) / item.length);
  const filler = (ts: number) => {
    const d = devices[Math.floor(Math.random() * devices.length)]!;
    d.seq++;
    const reading: ReadingPayload = {
      v: 1,
      seq: d.seq,
      ts,
      prev: d.prev,
      m: { temp_c: Math.round(Math.random() * 1200 - 200) / 100, rh_pct: 61, batt_v: 3.61 },
    };
    const raw = assembleCoseSign1(d.protectedBytes, encodeReadingPayload(reading), random(64));
    const id = keccak256(raw);
    insert.run(id, d.address, d.seq, raw, ts, ts + 180, JSON.stringify(readingToJson(reading)));
    d.prev = id;
  };
  const minutes = db.transaction((from: number, to: number) => {
    for (let m = from; m < to; m++) {
      const r = item[m]!;
      insert.run(r.id, sensor.address, r.seq, r.raw, r.ts, r.ts + 150, r.payload);
      const count = fillerBefore(m + 1) - fillerBefore(m);
      // The other devices' readings of this minute, spread over it.
      for (let k = 0; k < count; k++) filler(r.ts + 1 + Math.floor((k * (MINUTE_MS - 1)) / count));
    }
  });
  const started = performance.now();
  const perTransaction = Math.max(
    1,
    Math.floor((ROWS_PER_TRANSACTION * item.length) / Math.max(1, p.readings)),
  );
  let lastLog = started;
  for (let m = 0; m < item.length; m += perTransaction) {
    minutes(m, Math.min(item.length, m + perTransaction));
    if (performance.now() - lastLog > 15_000) {
      lastLog = performance.now();
      const done = m + perTransaction + fillerBefore(Math.min(item.length, m + perTransaction));
      const seconds = (lastLog - started) / 1000;
      log(`  … ${done.toLocaleString("en")} readings in ${seconds.toFixed(0)} s`);
    }
  }
  const total = db.prepare("SELECT max(n) FROM messages").pluck().get() as number;
  db.transaction(() => {
    const seal = db.prepare(
      "INSERT INTO batches (root, first_n, last_n, size, sealed_at) VALUES (?, ?, ?, ?, ?)",
    );
    const anchor = db.prepare(
      `INSERT INTO anchors (batch_id, chain_id, contract, status, tx_hash, block_number, block_timestamp, updated_at)
       VALUES (?, ?, ?, 'final', ?, ?, ?, ?)`,
    );
    for (let first = 1, id = 1; first <= total; first += p.batchSize, id++) {
      const last = Math.min(total, first + p.batchSize - 1);
      seal.run(randomBytes(32), first, last, last - first + 1, p.t0);
      anchor.run(
        id,
        BENCH_TARGET.chainId,
        BENCH_TARGET.contract,
        `0x${randomBytes(32).toString("hex")}`,
        id,
        Math.floor(p.t0 / 1000),
        p.t0,
      );
    }
  })();
  db.close();
  log(
    `  ${total.toLocaleString("en")} readings stored in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  return total;
}

/** The anchor target every bench batch is anchored (final) on. */
export const BENCH_TARGET = {
  chainId: 31337,
  contract: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
} as const;
