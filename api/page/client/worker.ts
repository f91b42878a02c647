// The page's Web Worker: verifies the evidence package off the main thread with #evidence's verifier
// (signatures, one multiproof per batch, anchors by JSON-RPC from the page's endpoints, the journey and
// cold-chain verdict recomputed from verified readings) and answers with the view the page draws.
import { type EvidencePackage, verifyEvidencePackage } from "#evidence";
import { prepareHashes, type SignatureVerifier } from "#protocol";
import { buildProductView } from "./buildProductView.ts";
import { cachingRpcFetch } from "./cachingRpcFetch.ts";
import { loadSignatureVerifier } from "./signatureVerifiers.ts";
import type { PrepareRequest, VerifierChoice, VerifyRequest, WorkerReply } from "./workerMessages.ts";

const post = (reply: WorkerReply) => (self as unknown as Worker).postMessage(reply);

let prepared: { choice: VerifierChoice; ready: Promise<SignatureVerifier> } | undefined;

/**
 * Loads the verifier and the WebAssembly hashers (keccak256 and SHA-256 of every message: the pure-JS
 * ones are several times slower) while the page still downloads the package. The hashers load
 * asynchronously, and the verification loop is synchronous: without this wait it would never use them.
 */
function prepare(choice: VerifierChoice): Promise<SignatureVerifier> {
  if (prepared?.choice !== choice) {
    const ready = Promise.all([loadSignatureVerifier(choice), prepareHashes()]).then(
      ([verifier]) => verifier,
    );
    prepared = { choice, ready };
  }
  return prepared.ready;
}

async function verify(request: VerifyRequest): Promise<void> {
  const started = performance.now();
  let value: unknown;
  try {
    value = JSON.parse(request.packageText);
  } catch {
    return post({ type: "error", code: "NOT_JSON", message: "the record is not JSON" });
  }
  const verifier = await prepare(request.verifier);
  const loaded = performance.now();
  // When each phase was last heard of: bench:productpage reports where the time went.
  const phaseEnds: Record<string, number> = {};
  const rpc = { requests: 0, sent: 0 };
  const verification = await verifyEvidencePackage(value, {
    verifier,
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
  const view = buildProductView(value as EvidencePackage, verification, request.item);
  const done = performance.now();
  post({
    type: "result",
    view,
    timings: {
      verifierLoadMs: loaded - started,
      verifyMs: done - loaded,
      totalMs: done - started,
      rpcRequests: rpc.requests,
      rpcSent: rpc.sent,
      ...Object.fromEntries(Object.entries(phaseEnds).map(([phase, at]) => [`${phase}EndMs`, at - loaded])),
    },
  });
}

self.onmessage = (event: MessageEvent<PrepareRequest | VerifyRequest>) => {
  if (event.data.type === "prepare") {
    prepare(event.data.verifier).catch(() => {}); // a failure is reported by the verify that awaits it
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
