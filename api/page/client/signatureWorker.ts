// A helper of the page's verifying worker: checks a share of the signatures on another core. It gets
// digests, signatures and keys packed back to back (one transfer, no object per signature) and answers one
// byte per signature, 1 when it verifies. It knows nothing of packages: the verifying worker decoded the
// messages, chose the keys, and judges the answers.
import { loadSignatureVerifier } from "./signatureVerifiers.ts";
import type { SignatureBatchReply, SignatureBatchRequest, VerifierChoice } from "./workerMessages.ts";

let loaded: { choice: VerifierChoice; verifier: ReturnType<typeof loadSignatureVerifier> } | undefined;

async function check(request: SignatureBatchRequest): Promise<{ id: number; ok: Uint8Array }> {
  if (loaded?.choice !== request.verifier)
    loaded = { choice: request.verifier, verifier: loadSignatureVerifier(request.verifier) };
  const verifier = await loaded.verifier;
  const { count, digests, signatures, keys } = request;
  const ok = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const verified = verifier.verify(
      digests.subarray(i * 32, i * 32 + 32),
      signatures.subarray(i * 64, i * 64 + 64),
      keys.subarray(i * 33, i * 33 + 33),
    );
    ok[i] = verified ? 1 : 0;
  }
  return { id: request.id, ok };
}

self.onmessage = (event: MessageEvent<SignatureBatchRequest>) => {
  check(event.data).then(
    (reply) => (self as unknown as Worker).postMessage(reply, [reply.ok.buffer]),
    (error: unknown) =>
      (self as unknown as Worker).postMessage({
        id: event.data.id,
        error: error instanceof Error ? error.message : String(error),
      } satisfies SignatureBatchReply),
  );
};
