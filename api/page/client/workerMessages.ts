import type { ProductView } from "./productView.ts";

/** Which secp256k1 implementation the worker verifies with (bench:productpage compares them). */
export type VerifierChoice = "noble" | "wasm";

/** Page → worker, at once: load the verifier, the hashers and the helpers while the package downloads. */
export type PrepareRequest = { type: "prepare"; verifier: VerifierChoice; helpers: number };

/** Page → worker: verify this package (the response body as received, not re-encoded). */
export type VerifyRequest = {
  type: "verify";
  packageText: string;
  rpcEndpoints: string[];
  item: {
    title: string;
    gtin: string | null;
    serial: string | null;
    lot: string | null;
    sscc: string | null;
  };
  verifier: VerifierChoice;
  /** Helper workers that check signatures beside this one (0: all on the verifying worker). */
  helpers: number;
};

/** Verifying worker → signature helper: `count` checks packed as 32-byte digests, 64-byte signatures, 33-byte keys. */
export type SignatureBatchRequest = {
  id: number;
  verifier: VerifierChoice;
  count: number;
  digests: Uint8Array;
  signatures: Uint8Array;
  keys: Uint8Array;
};

/** Signature helper → verifying worker: one byte per check (1: verified), or why it could not check. */
export type SignatureBatchReply = { id: number; ok: Uint8Array } | { id: number; error: string };

/** Worker → page. */
export type WorkerReply =
  | { type: "progress"; phase: string; done: number; total: number }
  | { type: "result"; view: ProductView; timings: Record<string, number> }
  | { type: "error"; code: string; message: string };
