import type { JsonRpcCall } from "../cli/verify/jsonRpcClient.ts";
import { EvidenceError, EvidenceErrorCode } from "./errors.ts";

/** The part of WHATWG `fetch` the verifier uses: the browser's, a worker's, Node's, or a test's fake. */
export type FetchLike = (
  url: string,
  init: { method: "POST"; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ status: number; text(): Promise<string> }>;

/** Receipts, blocks and one uint64: a few kB. Anything past this is refused. */
const MAX_ANSWER_CHARS = 8 * 1024 * 1024;

/**
 * A JSON-RPC 2.0 client over an injected `fetch`, so the same verifier reads the chain from a browser
 * worker and from Node. Each call is bounded by `timeoutMs` (an endpoint that never answers is "could not
 * check", not a hang); failures are EvidenceErrors RPC_TIMEOUT / RPC_FAILED naming the endpoint.
 * @example const call = fetchJsonRpc("http://127.0.0.1:8545", globalThis.fetch, { label: "local", timeoutMs: 10_000 })
 */
export function fetchJsonRpc(
  url: string,
  fetch: FetchLike,
  options: { label: string; timeoutMs: number },
): JsonRpcCall {
  let nextId = 1;
  return async (method, params) => {
    const id = nextId++;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.timeoutMs);
    const failed = (reason: string, cause?: unknown) =>
      new EvidenceError(EvidenceErrorCode.RpcFailed, `${options.label} ${method}: ${reason}`, {
        details: { endpoint: options.label, method },
        ...(cause === undefined ? {} : { cause }),
      });
    let text: string;
    let status: number;
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id, method, params }),
        signal: controller.signal,
      });
      status = res.status;
      text = await res.text();
    } catch (cause) {
      if (controller.signal.aborted) {
        throw new EvidenceError(
          EvidenceErrorCode.RpcTimeout,
          `no answer from ${options.label} to ${method} within ${options.timeoutMs / 1000} s`,
          { details: { endpoint: options.label, method } },
        );
      }
      throw failed(cause instanceof Error ? cause.message : String(cause), cause);
    } finally {
      clearTimeout(timer);
    }
    if (status < 200 || status >= 300) throw failed(`HTTP ${status}`);
    if (text.length > MAX_ANSWER_CHARS) throw failed("answer too large");
    let answer: { id?: unknown; result?: unknown; error?: { message?: unknown } };
    try {
      answer = JSON.parse(text);
    } catch {
      throw failed("the answer is not JSON");
    }
    if (answer.error !== undefined) {
      throw failed(typeof answer.error?.message === "string" ? answer.error.message : "JSON-RPC error");
    }
    if (answer.id !== id || !("result" in answer))
      throw failed("the answer is not a result for this request");
    return answer.result;
  };
}
