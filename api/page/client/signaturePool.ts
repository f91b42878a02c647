import type { BatchSignatureVerifier, SignatureJob } from "#evidence";
import type { SignatureVerifier } from "#protocol";
import type { SignatureBatchReply, SignatureBatchRequest, VerifierChoice } from "./workerMessages.ts";

export type SignaturePool = { size: number; verifyBatch: BatchSignatureVerifier; close(): void };

type Helper = { worker: Worker; pending: Map<number, (reply: SignatureBatchReply) => void>; broken: boolean };

/**
 * `size` helper workers (signatureWorker.ts) that check signatures for the verifying worker, so that a
 * phone's other cores share the curve arithmetic (the largest part of verifying a package). Each batch
 * goes to the helper with the fewest checks waiting. A helper that fails to start or dies is not used
 * again, and what it held is checked here with `fallback`: the pool never turns a broken helper into a
 * failed signature.
 * @example const pool = createSignaturePool(new URL("signatures.js", self.location.href), 2, "noble", verifier)
 */
export function createSignaturePool(
  script: URL,
  size: number,
  choice: VerifierChoice,
  fallback: Promise<SignatureVerifier>,
): SignaturePool {
  let nextId = 1;
  const load = new Map<Helper, number>();
  const helpers: Helper[] = Array.from({ length: size }, () => {
    const helper: Helper = {
      worker: new Worker(script, { type: "module" }),
      pending: new Map(),
      broken: false,
    };
    helper.worker.onmessage = (event: MessageEvent<SignatureBatchReply>) => {
      const resolve = helper.pending.get(event.data.id);
      helper.pending.delete(event.data.id);
      resolve?.(event.data);
    };
    helper.worker.onerror = (event) => {
      event.preventDefault(); // handled: its batches are checked on this thread
      helper.broken = true;
      for (const [id, resolve] of helper.pending) resolve({ id, error: "the helper worker failed" });
      helper.pending.clear();
    };
    load.set(helper, 0);
    return helper;
  });

  const inline = async (jobs: SignatureJob[]) => {
    const verifier = await fallback;
    return jobs.map((j) => verifier.verify(j.digest, j.signature, j.publicKey));
  };

  const verifyBatch: BatchSignatureVerifier = async (jobs) => {
    const usable = helpers.filter((h) => !h.broken);
    if (usable.length === 0) return inline(jobs);
    const helper = usable.reduce((a, b) => (load.get(b)! < load.get(a)! ? b : a));
    const request = pack(nextId++, choice, jobs);
    load.set(helper, load.get(helper)! + jobs.length);
    const reply = await new Promise<SignatureBatchReply>((resolve) => {
      helper.pending.set(request.id, resolve);
      helper.worker.postMessage(request, [
        request.digests.buffer,
        request.signatures.buffer,
        request.keys.buffer,
      ]);
    });
    load.set(helper, load.get(helper)! - jobs.length);
    if ("error" in reply) return inline(jobs);
    return jobs.map((_, i) => reply.ok[i] === 1);
  };

  return {
    size,
    verifyBatch,
    close: () => {
      for (const h of helpers) h.worker.terminate();
    },
  };
}

function pack(id: number, verifier: VerifierChoice, jobs: SignatureJob[]): SignatureBatchRequest {
  const digests = new Uint8Array(jobs.length * 32);
  const signatures = new Uint8Array(jobs.length * 64);
  const keys = new Uint8Array(jobs.length * 33);
  for (const [i, j] of jobs.entries()) {
    digests.set(j.digest, i * 32);
    signatures.set(j.signature, i * 64);
    keys.set(j.publicKey, i * 33);
  }
  return { id, verifier, count: jobs.length, digests, signatures, keys };
}
