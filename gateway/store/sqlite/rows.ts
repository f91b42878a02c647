// Rows of the SQLite schema (schema.ts) and their records (../types.ts), shared by the store's queries.
import { type Address, bytesToHex } from "#protocol";
import type { DeviceRecord, StoredMessage } from "../types.ts";

export type MessageRow = {
  n: number;
  id: Buffer;
  device: string;
  seq: number;
  raw: Buffer;
  device_ts: number;
  received_at: number;
  payload: string;
  batch_id: number | null;
};

/** Every column of `messages m` plus its batch, found by range: the first batch whose last_n is at or after n. */
export const MESSAGE_WITH_BATCH = `SELECT m.*, (SELECT b.id FROM batches b WHERE b.last_n >= m.n AND b.first_n <= m.n ORDER BY b.last_n LIMIT 1) AS batch_id
  FROM messages m`;

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

export function messageFromRow(r: MessageRow): StoredMessage {
  return {
    messageId: bytesToHex(r.id),
    device: r.device as Address,
    seq: r.seq,
    raw: new Uint8Array(r.raw),
    deviceTs: r.device_ts,
    receivedAt: r.received_at,
    payloadJson: r.payload,
    batchId: r.batch_id,
  };
}
