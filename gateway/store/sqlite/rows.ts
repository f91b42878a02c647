// Rows of the SQLite schema (schema.ts) and their records (../types.ts), shared by the store's queries.
import { type Address, bytesToHex, decodeCoseSign1, decodeReadingPayload, readingToJson } from "#protocol";
import type { DeviceRecord, StoredMessage } from "../types.ts";
import { expandReadingRaw } from "./compactRaw.ts";

export type MessageRow = {
  n: number;
  id: Buffer;
  device: string;
  seq: number;
  raw: Buffer;
  raw_tail: 0 | 1;
  device_ts: number;
  received_at: number;
  payload: string | null;
  batch_id: number | null;
};

/**
 * What a message row holds plus its signer's address and its batch, found by range: the first batch whose
 * last_n is at or after n. `FROM messages m JOIN signers s`: a query adds its WHERE.
 */
export const MESSAGE_WITH_BATCH = `SELECT m.n, m.id, s.address AS device, m.seq, m.raw, m.raw_tail, m.device_ts, m.received_at, m.payload,
  (SELECT b.id FROM batches b WHERE b.last_n >= m.n AND b.first_n <= m.n ORDER BY b.last_n LIMIT 1) AS batch_id
  FROM messages m JOIN signers s ON s.k = m.signer`;

/** Every column of `devices` plus its GIAI (schema 4 keeps it in `device_giais`). */
export const DEVICE_WITH_GIAI = `SELECT d.*, g.giai FROM devices d LEFT JOIN device_giais g ON g.address = d.address`;

export type DeviceRow = {
  address: string;
  public_key: Buffer;
  label: string;
  registered_at: number;
  revoked_at: number | null;
  flagged_at: number | null;
  rotated_from: string | null;
  rotated_to: string | null;
  giai: string | null;
};

export function deviceFromRow(r: DeviceRow): DeviceRecord {
  return {
    address: r.address as Address,
    publicKey: new Uint8Array(r.public_key),
    label: r.label,
    registeredAt: r.registered_at,
    revokedAt: r.revoked_at,
    flaggedAt: r.flagged_at,
    rotatedFrom: r.rotated_from as Address | null,
    rotatedTo: r.rotated_to as Address | null,
    giai: r.giai,
  };
}

/**
 * A stored reading: raw rebuilt byte-exact, the payload JSON decoded from it (schema 8 keeps no copy; ~15 µs
 * a reading) unless the row kept the JSON of a record that is no COSE_Sign1 of its device.
 */
export function messageFromRow(r: MessageRow): StoredMessage {
  const raw = expandReadingRaw(r.raw, r.device as Address, r.raw_tail === 1);
  return {
    messageId: bytesToHex(r.id),
    device: r.device as Address,
    seq: r.seq,
    raw,
    deviceTs: r.device_ts,
    receivedAt: r.received_at,
    payloadJson: r.payload ?? payloadJsonOf(raw),
    batchId: r.batch_id,
  };
}

/**
 * The payload JSON of a reading's raw bytes, exactly as the gateway's checkReading writes it. Bytes that do
 * not decode (only a hand-made row could hold them) read as JSON null rather than failing the whole listing.
 */
export function payloadJsonOf(raw: Uint8Array): string {
  try {
    return JSON.stringify(readingToJson(decodeReadingPayload(decodeCoseSign1(raw).payload)));
  } catch {
    return "null";
  }
}
