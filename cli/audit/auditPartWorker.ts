import { parentPort, workerData } from "node:worker_threads";
import { fastestVerifier } from "./fastestVerifier.ts";
import type { AuditSlice } from "./planAuditSlices.ts";
import { sharedRpcEndpoint } from "./sharedRpcEndpoint.ts";
import { verifyAuditSlice } from "./verifyAuditSlice.ts";

// One thread of runAudit's pool: verifies the parts it is sent (their package as JSON text) with the
// fastest verifier that loads here, through its own RPC connections (shared by its parts).

export type PartWorkerData = { rpcUrls: string[]; rpcTimeoutMs: number };
export type PartRequest = { id: number; text: string; slice: AuditSlice };

const { rpcUrls, rpcTimeoutMs } = workerData as PartWorkerData;
const endpoints = rpcUrls.map((url) => sharedRpcEndpoint(url, { timeoutMs: rpcTimeoutMs }));
const verifier = await fastestVerifier();

parentPort!.on("message", async (m: PartRequest | { close: true }) => {
  if ("close" in m) {
    for (const e of endpoints) e.closeAll();
    parentPort!.close();
    return;
  }
  try {
    const outcome = await verifyAuditSlice(JSON.parse(m.text), m.slice, { verifier, endpoints });
    parentPort!.postMessage({ id: m.id, outcome });
  } catch (error) {
    parentPort!.postMessage({ id: m.id, error: error instanceof Error ? error.message : String(error) });
  }
});
