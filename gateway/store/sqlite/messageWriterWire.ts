/** Messages between the SQLite store and its message writer thread: one packed group per commit. */
import type { ConnectionSettings } from "./openConnection.ts";
import type { InsertStatus } from "./prepareMessageInsert.ts";
import type { BatchToSeal, SealOutcome } from "./sealBatchRow.ts";

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

/** Per message an InsertStatus (with the id already stored for that seq when it is Equivocation). */
export type WriteResult =
  | { id: number; status: Uint8Array; existing: (Uint8Array | null)[] }
  | { id: number; error: string; code?: string };

/** Requests other than a write group: a batch to seal (answered by its id), settings, close. */
export type WriterControl = { seal: BatchToSeal; id: number } | { close: true } | { settings: true };

/** Replies other than a write result. */
export type WriterReply =
  | { closed: true }
  | { settings: ConnectionSettings }
  | { sealed: SealOutcome; id: number }
  | { sealFailed: string; code?: string; id: number };

/** Statuses travel as bytes of a Uint8Array. */
export type { InsertStatus };
