/**
 * Bytes on disk per stored reading (issue 15's storage target), without a gateway: fills a fresh SqliteStore
 * through insertMessage (the writer thread, group commits) with realistic signed readings — 1,000 devices
 * (`--devices`), `--per-device` hash-chained readings each (temp_c, rh_pct, batt_v: ~203 bytes, the readings
 * of bench:ingest), arriving interleaved as a fleet sends them — then reports file + WAL after a TRUNCATE
 * checkpoint over the rows, and dbstat's split per table and index (bytes, per reading, payload vs page).
 *
 *   bin/dev npm exec -- tsx bench/storeBytes.ts [--devices 1000] [--per-device 50]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { SqliteStore } from "../gateway/store/sqlite/SqliteStore.ts";
import { benchIdentities, preSignChains } from "./lib/benchDevices.ts";
import { measureStoreSize } from "./lib/measureStoreSize.ts";
import { readingRecord } from "./lib/readingRecord.ts";

const { values } = parseArgs({
  options: { devices: { type: "string", default: "1000" }, "per-device": { type: "string", default: "50" } },
});
const devices = Number(values.devices);
const perDevice = Number(values["per-device"]);

const identities = benchIdentities(devices);
const chains = preSignChains(identities, perDevice, join(tmpdir(), `sealtrail-store-bytes-${devices}`), (l) =>
  console.log(l),
);
const dir = mkdtempSync(join(tmpdir(), "sealtrail-store-bytes-"));
const path = join(dir, "store.db");
const store = SqliteStore.open(path);
const now = Date.now();
for (const identity of identities)
  await store.registerDevice({
    address: identity.address,
    publicKey: identity.publicKey,
    label: "bench",
    registeredAt: now,
  });

let rawBytes = 0;
const started = performance.now();
// Round by round: every device's reading i before any device's reading i + 1, as a fleet publishes.
for (let i = 0; i < perDevice; i++) {
  const round: Promise<unknown>[] = [];
  for (let d = 0; d < devices; d++) {
    const raw = chains[d]![i]!;
    rawBytes += raw.length;
    round.push(store.insertMessage(readingRecord(raw, now + i * 1000 + d)));
  }
  await Promise.all(round);
}
const insertMs = performance.now() - started;
await store.close();

const size = measureStoreSize(path);
const db = new Database(path, { readonly: true });
const split = db
  .prepare(
    `SELECT d.name AS name, sum(d.pgsize) AS bytes, sum(d.payload) AS payload, sum(d.unused) AS unused,
            sum(d.ncell) AS cells
     FROM dbstat d GROUP BY d.name ORDER BY bytes DESC`,
  )
  .all() as { name: string; bytes: number; payload: number; unused: number; cells: number }[];
db.close();
rmSync(dir, { recursive: true, force: true });

const readings = devices * perDevice;
console.log(
  `${readings} readings from ${devices} devices, mean signed reading ${(rawBytes / readings).toFixed(1)} bytes, inserted in ${(insertMs / 1000).toFixed(1)} s`,
);
console.log(
  `bytes on disk per reading: ${size.bytesPerMessage} (file ${size.fileBytes}, WAL ${size.walBytes}); messages table and its indexes: ${size.messagesTableBytesPerMessage}`,
);
console.log("object                              bytes/reading   payload/reading   unused/reading   fill");
for (const o of split.filter((s) => s.bytes / readings >= 0.5))
  console.log(
    `${o.name.padEnd(36)}${(o.bytes / readings).toFixed(1).padStart(13)}${(o.payload / readings).toFixed(1).padStart(18)}${(o.unused / readings).toFixed(1).padStart(17)}${`${Math.round((100 * (o.bytes - o.unused)) / o.bytes)} %`.padStart(7)}`,
  );
