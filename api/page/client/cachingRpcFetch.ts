import type { FetchLike } from "#evidence";

/**
 * JSON-RPC reads whose answer cannot change during one verification, as far as the page is concerned:
 * the chain id, a receipt, a block by number, the head (read once, every anchor's confirmations are counted
 * against the same head) and a contract call. Batches anchored in the same transaction or block share them.
 */
const CACHEABLE = new Set([
  "eth_chainId",
  "eth_getTransactionReceipt",
  "eth_getBlockByNumber",
  "eth_blockNumber",
  "eth_call",
]);

export type RpcCounts = { requests: number; sent: number };

/**
 * Wraps the worker's `fetch` for the verifier's JSON-RPC: the same read (endpoint, method, params) is sent
 * once per verification and its answer given to every caller under the caller's own request id. A failed
 * read is not kept, so a later caller tries again. Each endpoint keeps its own answers: two endpoints are
 * still asked separately, and must still agree.
 * @example const fetch = cachingRpcFetch((url, init) => self.fetch(url, init), counts)
 */
export function cachingRpcFetch(inner: FetchLike, counts: RpcCounts = { requests: 0, sent: 0 }): FetchLike {
  const cache = new Map<string, Promise<{ status: number; text: string }>>();
  const send = (url: string, init: Parameters<FetchLike>[1]) => {
    counts.sent++;
    return inner(url, init).then(async (res) => ({ status: res.status, text: await res.text() }));
  };
  return async (url, init) => {
    counts.requests++;
    let request: { id?: unknown; method?: unknown; params?: unknown };
    try {
      request = JSON.parse(init.body) as typeof request;
    } catch {
      const res = await send(url, init);
      return { status: res.status, text: async () => res.text };
    }
    if (typeof request.method !== "string" || !CACHEABLE.has(request.method)) {
      const res = await send(url, init);
      return { status: res.status, text: async () => res.text };
    }
    const key = JSON.stringify([url, request.method, request.params]);
    let answer = cache.get(key);
    if (answer === undefined) {
      answer = send(url, init);
      cache.set(key, answer);
      answer.then(
        (a) => (a.status < 200 || a.status >= 300 || a.text.includes('"error"')) && cache.delete(key),
        () => cache.delete(key),
      );
    }
    const { status, text } = await answer;
    let body = text;
    try {
      body = JSON.stringify({ ...(JSON.parse(text) as object), id: request.id });
    } catch {
      // Not JSON: the verifier reports it as such, unchanged.
    }
    return { status, text: async () => body };
  };
}
