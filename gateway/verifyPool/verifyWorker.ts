// A verify pool worker: checks batches of readings (decoding, kid, signature) with the configured
// protocol verifier. A worker_threads entry point; Node strips the types itself (Node >= 22.18).
import { parentPort, workerData } from "node:worker_threads";
import {
  type Address,
  bytesEqual,
  createNobleTableVerifier,
  prepareHashes,
  type SignatureVerifier,
} from "#protocol";
import { nativeVerifier, selectNativeBackend, uncompressPublicKey } from "#protocol/native";
import { Refusal } from "../errors.ts";
import { checkReading } from "../ingest/checkReading.ts";
import { readingLimits } from "../ingest/ingestReading.ts";
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

// The registry keeps 33-byte compressed keys; a verify with the 65-byte form skips decompressing the
// key (a modular square root) on every message, ~8% of a native verify. Decompressed once per device, by
// libsecp256k1 (~8 µs; noble's square root took ~0.17 ms a key: 0.17 s per worker when 1,000 devices
// reconnect).
const MAX_EXPANDED_KEYS = 100_000;
const expanded = new Map<string, { compressed: Uint8Array; key: Uint8Array }>();
function expandedKey(device: string, compressed: Uint8Array): Uint8Array {
  const cached = expanded.get(device);
  if (cached && bytesEqual(cached.compressed, compressed)) return cached.key;
  let key: Uint8Array;
  try {
    key = uncompressPublicKey(compressed);
  } catch {
    return compressed; // not a point: the verifier refuses it as it is
  }
  if (expanded.size >= MAX_EXPANDED_KEYS) expanded.clear();
  expanded.set(device, { compressed: compressed.slice(), key });
  return key;
}

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
    const key = noble ? compressed : expandedKey(device, compressed);
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
