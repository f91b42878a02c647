import type { ProductView } from "./productView.ts";

/** Which secp256k1 implementation the worker verifies with (bench:productpage compares them). */
export type VerifierChoice = "noble" | "wasm";

/** Page → worker, at once: load the verifier and the hashers while the package downloads. */
export type PrepareRequest = { type: "prepare"; verifier: VerifierChoice };

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
};

/** Worker → page. */
export type WorkerReply =
  | { type: "progress"; phase: string; done: number; total: number }
  | { type: "result"; view: ProductView; timings: Record<string, number> }
  | { type: "error"; code: string; message: string };
