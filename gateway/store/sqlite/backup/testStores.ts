// Test support for the backup tests: stores in temp folders filled with messages the store takes as they
// are (it never checks signatures, so random ids and bytes make the writer thread commit real rows).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Address, bytesToHex, type Hex } from "#protocol";
import type { MessageRecord } from "../../types.ts";
import { SqliteStore } from "../SqliteStore.ts";

export const DEVICE = "0x00000000000000000000000000000000000000b1" as Address;

/** A temp folder per call; `cleanup()` removes all of them. */
export function tempDirs(): { make(): string; cleanup(): void } {
  const dirs: string[] = [];
  return {
    make() {
      const dir = mkdtempSync(join(tmpdir(), "sealtrail-backup-"));
      dirs.push(dir);
      return dir;
    },
    cleanup() {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** The device's next readings, seq after seq (device_ts and received_at apart, as in real life). */
export function junkReadings(fromSeq: number, count: number): MessageRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    messageId: bytesToHex(randomBytes(32)) as Hex,
    device: DEVICE,
    seq: fromSeq + i,
    raw: randomBytes(120),
    deviceTs: 1_000 + fromSeq + i,
    receivedAt: 5_000_000 + fromSeq + i,
    payloadJson: "{}",
  }));
}

/** A store at `dir/name` holding `count` readings (seq 1..count), open. */
export async function storeWith(dir: string, count: number, name = "store.db"): Promise<SqliteStore> {
  const store = SqliteStore.open(join(dir, name));
  await Promise.all(junkReadings(1, count).map((m) => store.insertMessage(m)));
  return store;
}
