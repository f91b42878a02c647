import type Database from "better-sqlite3";
import { type Address, bytesToHex, decodeCoseSign1, decodeReadingPayload } from "#protocol";
import { expandReadingRaw } from "../compactRaw.ts";
import { SIGNER_KEY_SQL } from "../signerKey.ts";

/** The id stored for a device's seq, bare lowercase hex. */
const ID_AT_SQL = `SELECT lower(hex(id)) FROM messages WHERE signer = ${SIGNER_KEY_SQL("?")} AND seq = ?`;
/** What a row holds of its prev: its raw bytes, or (a hand-made record) its kept payload JSON's prev. */
const ROW_PREV_SQL = `SELECT m.raw, m.raw_tail, s.address, m.payload IS NOT NULL,
    CASE WHEN m.payload IS NOT NULL AND json_valid(m.payload) THEN json_extract(m.payload, '$.prev') END
  FROM messages m JOIN signers s ON s.k = m.signer WHERE m.n = ?`;

const GENESIS_HEX = "0".repeat(64);

/**
 * Where a reading's prev comes from when the covering index does not give it (schema 8 keeps `link`, not
 * prev: see READINGS_BY_DEVICE_SQL). With link = 1, prev is the id stored for seq - 1 (32 zero bytes for
 * seq 1): the reader takes it from the reading before in its own list, or looks it up here. Otherwise the
 * row is read (one page) and prev decoded from its raw bytes: a broken chain, or a reading stored before
 * the one it follows.
 */
export type PrevSource = {
  /** Bare hex of the id stored for (device, seq), or null. */
  idAt(seq: number): string | null;
  /** The prev a row holds, as schema 7's json_extract answered it: "0x…" for a decodable reading. */
  ofRow(n: number): unknown;
};

export function prevSource(db: Database.Database, device: string): PrevSource {
  const idAt = db.prepare(ID_AT_SQL).pluck();
  const rowPrev = db.prepare(ROW_PREV_SQL).raw();
  return {
    idAt: (seq) => (seq === 0 ? GENESIS_HEX : ((idAt.get(device, seq) as string | undefined) ?? null)),
    ofRow(n) {
      const row = rowPrev.get(n) as [Buffer, 0 | 1, string, 0 | 1, unknown] | undefined;
      if (!row) return null;
      const [stored, tail, address, kept, jsonPrev] = row;
      if (kept) return jsonPrev ?? null;
      try {
        const raw = expandReadingRaw(stored, address as Address, tail === 1);
        return bytesToHex(decodeReadingPayload(decodeCoseSign1(raw).payload).prev);
      } catch {
        return null;
      }
    },
  };
}

/**
 * The prev of one reading of a list in time order as "0x…" (or what its row holds: see PrevSource.ofRow),
 * `before` being the reading listed before it, if any.
 */
export function prevOf(
  source: PrevSource,
  reading: { n: number; seq: number; link: unknown },
  before: { seq: number; idHex: string } | undefined,
): unknown {
  if (reading.link !== 1) return source.ofRow(reading.n);
  if (before !== undefined && before.seq === reading.seq - 1) return `0x${before.idHex}`;
  const id = source.idAt(reading.seq - 1);
  return id === null ? source.ofRow(reading.n) : `0x${id}`;
}
