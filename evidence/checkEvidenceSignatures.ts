import { type SignatureVerifier, verifyDecodedCoseSign1 } from "#protocol";
import { type DecodedEvidence, reasonOf, type SignatureToCheck } from "./decodeEvidenceMessages.ts";
import type { EvidenceFailure, EvidenceProgress } from "./verifyEvidenceMessages.ts";
import { yieldToEventLoop } from "./yieldToEventLoop.ts";

/** One ES256K check: the COSE digest, the 64-byte low-S signature and the signer's 33-byte key. */
export type SignatureJob = { digest: Uint8Array; signature: Uint8Array; publicKey: Uint8Array };

/**
 * Checks many signatures at once, e.g. spread over several threads (the product page's helper workers):
 * one boolean per job, in the jobs' order, false for anything that does not verify. Rejects only when it
 * could not check at all (a worker that died), never for a bad signature.
 */
export type BatchSignatureVerifier = (jobs: SignatureJob[]) => Promise<boolean[]>;

/** Per section of DecodedEvidence, per item: null when its signature held, else why it failed. */
export type SignatureOutcomes = (EvidenceFailure | null)[][];

export type CheckSignaturesOptions = {
  verifier: SignatureVerifier;
  /** When given, every signature goes to it in chunks of `chunkSize` (default 256), all sent at once. */
  batchVerifier?: BatchSignatureVerifier;
  chunkSize?: number;
  /** Without a batch verifier: how long the loop runs before the event loop gets a turn (default 12 ms). */
  sliceMs?: number;
  onProgress?: (p: EvidenceProgress) => void;
};

const PROGRESS_EVERY = 512;

/**
 * The signature of every decoded message, by the key the package carries for its signer, without holding
 * the event loop: the loop yields every `sliceMs`, so that the anchors' JSON-RPC reads started beside it
 * progress meanwhile, or the checks go to a batch verifier (other threads) and this thread only waits.
 * Same findings, in the same words, as verifyDecodedCoseSign1 gives.
 * @example const outcomes = await checkEvidenceSignatures(decoded, { verifier: nobleVerifier })
 */
export async function checkEvidenceSignatures(
  decoded: DecodedEvidence,
  options: CheckSignaturesOptions,
): Promise<SignatureOutcomes> {
  const onProgress = options.onProgress ?? (() => {});
  const total = decoded.readingsTotal + decoded.eventsTotal;
  const outcomes = prefilled(decoded);
  const todo = toCheck(decoded);
  let done = total - todo.length;
  if (options.batchVerifier !== undefined) {
    const chunkSize = options.chunkSize ?? 256;
    const chunks: (typeof todo)[] = [];
    for (let i = 0; i < todo.length; i += chunkSize) chunks.push(todo.slice(i, i + chunkSize));
    const batch = options.batchVerifier;
    await Promise.all(
      chunks.map(async (chunk) => {
        const answers = await batch(chunk.map(({ item }) => jobOf(item)));
        for (const [i, { at, item }] of chunk.entries())
          outcomes[at.section]![at.item] = judge(item, { name: "batch", verify: () => answers[i] === true });
        done += chunk.length;
        onProgress({ phase: "signatures", done, total });
      }),
    );
  } else {
    const sliceMs = options.sliceMs ?? 12;
    let sliceStart = performance.now();
    for (const { at, item } of todo) {
      outcomes[at.section]![at.item] = judge(item, options.verifier);
      done++;
      if (done % PROGRESS_EVERY === 0) onProgress({ phase: "signatures", done, total });
      if (performance.now() - sliceStart > sliceMs) {
        await yieldToEventLoop();
        sliceStart = performance.now();
      }
    }
  }
  onProgress({ phase: "signatures", done: total, total });
  return outcomes;
}

/**
 * The same checks in one synchronous loop (verifyEvidenceMessages keeps its synchronous signature).
 * @example const outcomes = checkEvidenceSignaturesSync(decoded, nobleVerifier)
 */
export function checkEvidenceSignaturesSync(
  decoded: DecodedEvidence,
  verifier: SignatureVerifier,
  onProgress: (p: EvidenceProgress) => void = () => {},
): SignatureOutcomes {
  const total = decoded.readingsTotal + decoded.eventsTotal;
  const outcomes = prefilled(decoded);
  const todo = toCheck(decoded);
  let done = total - todo.length;
  for (const { at, item } of todo) {
    outcomes[at.section]![at.item] = judge(item, verifier);
    if (++done % PROGRESS_EVERY === 0) onProgress({ phase: "signatures", done, total });
  }
  onProgress({ phase: "signatures", done: total, total });
  return outcomes;
}

/** Decode and key failures in place; null (so far) for the messages still to check. */
function prefilled(decoded: DecodedEvidence): SignatureOutcomes {
  return decoded.sections.map((s) => s.items.map((item) => (item.kind === "failed" ? item.failure : null)));
}

type Todo = { at: { section: number; item: number }; item: SignatureToCheck };

function toCheck(decoded: DecodedEvidence): Todo[] {
  const todo: Todo[] = [];
  for (const [section, s] of decoded.sections.entries())
    for (const [index, item] of s.items.entries())
      if (item.kind !== "failed") todo.push({ at: { section, item: index }, item });
  return todo;
}

function jobOf(item: SignatureToCheck): SignatureJob {
  return { digest: item.decoded.digest, signature: item.decoded.signature, publicKey: item.key };
}

function judge(item: SignatureToCheck, verifier: SignatureVerifier): EvidenceFailure | null {
  try {
    verifyDecodedCoseSign1(item.decoded, item.decoded.kid, item.key, verifier);
    return null;
  } catch (error) {
    return { subject: `${item.kind} ${item.decoded.messageId}`, check: "signature", detail: reasonOf(error) };
  }
}
