// A verify pool worker: checks batches of readings (decoding, kid, signature) with the configured
// protocol verifier. A worker_threads entry point; Node strips the types itself (Node >= 22.18).
import { parentPort, workerData } from "node:worker_threads";
import { type Address, createNobleTableVerifier, prepareHashes, type SignatureVerifier } from "#protocol";
import { nativeVerifier, selectNativeBackend } from "#protocol/native";
import { Refusal } from "../errors.ts";
import { checkReading } from "../ingest/checkReading.ts";
import { readingLimits } from "../ingest/ingestReading.ts";
import { ExpandedKeys } from "./expandedKeys.ts";
import type { VerifyReply, VerifyRequest, VerifyWorkerData, WireResult } from "./wire.ts";

const data = workerData as VerifyWorkerData;
// The pure-JS fallback keeps a precomputed table per device key (~0.1 MiB each, at most 1,000 per
// worker): it halves the cost of a verification when the same devices publish again and again.
const noble = data.verifier === "noble";
// The same libsecp256k1 as the main thread. When the one asked for does not load, every reading fails
// (neither accepted nor refused), so the pool's self-test stops the gateway's start with the reason.
let loadFailure: string | undefined;
if (!noble) {
  try {
    selectNativeBackend(data.secp256k1);
  } catch (error) {
    loadFailure = error instanceof Error ? error.message : String(error);
  }
}
const verifier: SignatureVerifier = noble ? createNobleTableVerifier({ maxKeys: 1000 }) : nativeVerifier;
const limits = readingLimits(data.maxMessageBytes);

const expanded = new ExpandedKeys();

await prepareHashes(); // requests wait in the port's queue meanwhile

parentPort!.on("message", (request: VerifyRequest) => {
  const started = process.hrtime.bigint();
  const raws = new Uint8Array(request.raws);
  const keys = new Uint8Array(request.keys);
  const results: WireResult[] = new Array(request.count);
  for (let i = 0; i < request.count; i++) {
    const raw = raws.subarray(request.offsets[i]!, request.offsets[i + 1]!);
    const device = request.devices[i]!;
    const compressed = keys.subarray(i * 33, i * 33 + 33);
    if (loadFailure) {
      results[i] = { failure: loadFailure };
      continue;
    }
    const key = noble ? compressed : expanded.get(device, compressed);
    try {
      results[i] = checkReading(raw, device as Address, key, verifier, limits);
    } catch (error) {
      results[i] =
        error instanceof Refusal
          ? { code: error.code, detail: error.shortMessage }
          : { failure: error instanceof Error ? error.message : String(error) };
    }
  }
  const reply: VerifyReply = { id: request.id, results, busyNs: Number(process.hrtime.bigint() - started) };
  parentPort!.postMessage(reply);
});
