import type { NativeBackendChoice } from "#protocol/native";
import type { RefusalCode } from "../errors.ts";
import type { VerifiedReading } from "../ingest/checkReading.ts";

/**
 * Messages between the verify pool and its workers. A request carries a batch of readings packed into
 * two transferred buffers (the raw messages back to back, and the 33-byte keys) plus their devices.
 */
export type VerifyRequest = {
  id: number;
  count: number;
  /** Raw messages back to back; message i is bytes [offsets[i], offsets[i + 1]). */
  raws: ArrayBuffer;
  offsets: Uint32Array;
  /** Compressed public keys, 33 bytes each. */
  keys: ArrayBuffer;
  devices: string[];
};

/** A refusal crossing the thread boundary (a Refusal instance would lose its class). */
export type WireRefusal = { code: RefusalCode; detail: string };

/** Our own failure (a bug): the reading is neither accepted nor refused. */
export type WireFailure = { failure: string };

export type WireResult = VerifiedReading | WireRefusal | WireFailure;

export type VerifyReply = { id: number; results: WireResult[]; busyNs: number };

export type VerifyWorkerData = {
  verifier: "native" | "noble";
  secp256k1: NativeBackendChoice;
  maxMessageBytes: number;
};
