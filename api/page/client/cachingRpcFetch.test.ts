import { describe, expect, it } from "@jest/globals";
import type { FetchLike } from "#evidence";
import { cachingRpcFetch } from "./cachingRpcFetch.ts";

type Init = Parameters<FetchLike>[1];
const init = (id: number, method: string, params: unknown[]): Init => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ jsonrpc: "2.0", id, method, params }),
  signal: new AbortController().signal,
});

/** A fake endpoint that answers every call with its method and a running count, and records what it was sent. */
function fakeEndpoint(fail: (n: number) => boolean = () => false) {
  const sent: string[] = [];
  const fetch: FetchLike = async (url, i) => {
    const { id, method } = JSON.parse(i.body) as { id: number; method: string };
    sent.push(`${url} ${method}`);
    if (fail(sent.length)) return { status: 503, text: async () => "down" };
    return {
      status: 200,
      text: async () => JSON.stringify({ jsonrpc: "2.0", id, result: `${method}#${sent.length}` }),
    };
  };
  return { fetch, sent };
}

describe("cachingRpcFetch", () => {
  it("sends a repeated read once and answers each caller under its own request id", async () => {
    const endpoint = fakeEndpoint();
    const counts = { requests: 0, sent: 0 };
    const fetch = cachingRpcFetch(endpoint.fetch, counts);
    const a = await (await fetch("http://rpc", init(1, "eth_getTransactionReceipt", ["0xaa"]))).text();
    const b = await (await fetch("http://rpc", init(2, "eth_getTransactionReceipt", ["0xaa"]))).text();
    expect(JSON.parse(a)).toEqual({ jsonrpc: "2.0", id: 1, result: "eth_getTransactionReceipt#1" });
    expect(JSON.parse(b)).toEqual({ jsonrpc: "2.0", id: 2, result: "eth_getTransactionReceipt#1" });
    expect(counts).toEqual({ requests: 2, sent: 1 });
  });

  it("asks each endpoint separately, so that two endpoints are still compared", async () => {
    const endpoint = fakeEndpoint();
    const fetch = cachingRpcFetch(endpoint.fetch);
    await fetch("http://one", init(1, "eth_chainId", []));
    await fetch("http://two", init(1, "eth_chainId", []));
    expect(endpoint.sent).toEqual(["http://one eth_chainId", "http://two eth_chainId"]);
  });

  it("keeps no failed answer: the next caller asks again", async () => {
    const endpoint = fakeEndpoint((n) => n === 1);
    const fetch = cachingRpcFetch(endpoint.fetch);
    expect((await fetch("http://rpc", init(1, "eth_blockNumber", []))).status).toBe(503);
    await new Promise((r) => setTimeout(r, 0));
    const again = await (await fetch("http://rpc", init(2, "eth_blockNumber", []))).text();
    expect(JSON.parse(again)).toMatchObject({ id: 2, result: "eth_blockNumber#2" });
  });

  it("never caches a method outside the read list", async () => {
    const endpoint = fakeEndpoint();
    const fetch = cachingRpcFetch(endpoint.fetch);
    await fetch("http://rpc", init(1, "eth_sendRawTransaction", ["0x01"]));
    await fetch("http://rpc", init(2, "eth_sendRawTransaction", ["0x01"]));
    expect(endpoint.sent).toHaveLength(2);
  });
});
