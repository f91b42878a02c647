/** Messages between the SQLite store and its message writer thread: one packed group per commit. */

export type WriteGroup = {
  id: number;
  count: number;
  /** Message ids, 0x-hex (converted on the writer thread). */
  ids: string[];
  /** Raw messages back to back; message i is bytes [offsets[i], offsets[i + 1]). */
  raws: ArrayBuffer;
  offsets: Uint32Array;
  devices: string[];
  seqs: Float64Array;
  deviceTs: Float64Array;
  receivedAt: Float64Array;
  payloads: string[];
};

/** Per message: 0 inserted, 1 duplicate, 2 equivocation (with the id already stored for that seq). */
export type WriteResult =
  | { id: number; status: Uint8Array; existing: (Uint8Array | null)[] }
  | { id: number; error: string; code?: string };

export const INSERTED = 0;
export const DUPLICATE = 1;
export const EQUIVOCATION = 2;
