// The page's Web Worker: verifies the evidence package off the main thread with #evidence's verifier
// (signatures, one multiproof per batch, anchors by JSON-RPC from the page's endpoints, the journey and
// cold-chain verdict recomputed from verified readings) and answers with the view the page draws.
import { type EvidencePackage, verifyEvidencePackage } from "#evidence";
import { prepareHashes, type SignatureVerifier } from "#protocol";
import { buildProductView } from "./buildProductView.ts";
import { cachingRpcFetch } from "./cachingRpcFetch.ts";
import { createSignaturePool, type SignaturePool } from "./signaturePool.ts";
import { loadSignatureVerifier } from "./signatureVerifiers.ts";
import type { PrepareRequest, VerifierChoice, VerifyRequest, WorkerReply } from "./workerMessages.ts";

const post = (reply: WorkerReply) => (self as unknown as Worker).postMessage(reply);

type Prepared = {
  choice: VerifierChoice;
  helpers: number;
  ready: Promise<SignatureVerifier>;
  pool: SignaturePool | null;
};
let prepared: Prepared | undefined;

/**
 * Loads the verifier and the WebAssembly hashers (keccak256 and SHA-256 of every message: the pure-JS
 * ones are several times slower) and starts the signature helpers while the page still downloads the
 * package. The hashers load asynchronously, and the decoding loop is synchronous: without this wait it
 * would never use them.
 */
function prepare(choice: VerifierChoice, helpers: number): Prepared {
  if (prepared?.choice !== choice || prepared.helpers !== helpers) {
    prepared?.pool?.close();
    const ready = Promise.all([loadSignatureVerifier(choice), prepareHashes()]).then(
      ([verifier]) => verifier,
    );
    const pool =
      helpers > 0
        ? createSignaturePool(new URL("signatures.js", self.location.href), helpers, choice, ready)
        : null;
    prepared = { choice, helpers, ready, pool };
  }
  return prepared;
}

async function verify(request: VerifyRequest): Promise<void> {
  const started = performance.now();
  let value: unknown;
  try {
    value = JSON.parse(request.packageText);
  } catch {
    return post({ type: "error", code: "NOT_JSON", message: "the record is not JSON" });
  }
  const { ready, pool } = prepare(request.verifier, request.helpers);
  const verifier = await ready;
  const loaded = performance.now();
  // When each phase was last heard of: bench:productpage reports where the time went.
  const phaseEnds: Record<string, number> = {};
  const rpc = { requests: 0, sent: 0 };
  const verification = await verifyEvidencePackage(value, {
    verifier,
    ...(pool ? { batchVerifier: pool.verifyBatch } : {}),
    rpcUrls: request.rpcEndpoints,
    fetch: cachingRpcFetch((url, init) => fetch(url, init), rpc),
    onProgress: (p) => {
      phaseEnds[p.phase] = performance.now();
      post({ type: "progress", phase: p.phase, done: p.done, total: p.total });
    },
  });
  if (verification.report.subject === null) {
    return post({ type: "error", code: "INVALID_PACKAGE", message: verification.report.summary });
  }
  pool?.close();
  const view = buildProductView(value as EvidencePackage, verification, request.item);
  const done = performance.now();
  post({
    type: "result",
    view,
    timings: {
      verifierLoadMs: loaded - started,
      verifyMs: done - loaded,
      totalMs: done - started,
      helpers: pool?.size ?? 0,
      rpcRequests: rpc.requests,
      rpcSent: rpc.sent,
      ...Object.fromEntries(Object.entries(phaseEnds).map(([phase, at]) => [`${phase}EndMs`, at - loaded])),
    },
  });
}

self.onmessage = (event: MessageEvent<PrepareRequest | VerifyRequest>) => {
  if (event.data.type === "prepare") {
    // A failure is reported by the verify that awaits it.
    prepare(event.data.verifier, event.data.helpers).ready.catch(() => {});
    return;
  }
  if (event.data.type !== "verify") return;
  verify(event.data).catch((error: unknown) =>
    post({
      type: "error",
      code: "WORKER_FAILED",
      message: error instanceof Error ? error.message : String(error),
    }),
  );
};
