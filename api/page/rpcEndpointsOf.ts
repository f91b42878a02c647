import { ApiError, ApiErrorCode } from "../errors.ts";

/** More than a handful of endpoints is a mistake or an attempt to bloat the page's policy. */
export const MAX_PAGE_RPC_ENDPOINTS = 4;

/**
 * The chain RPC endpoints the page reads anchors from: the operator's configured ones, then those the
 * user added with `?rpc=URL` (the page's "use my own endpoint" form). Only plain http(s) URLs without
 * credentials; a user's endpoint goes into the page's connect-src, so it is checked here, on the server.
 * Throws INVALID_QUERY (400) for a URL that is not one.
 * @example rpcEndpointsOf(req.query.rpc, ["https://sepolia.optimism.io"])
 */
export function rpcEndpointsOf(query: unknown, configured: readonly string[]): string[] {
  const added = query === undefined ? [] : Array.isArray(query) ? query : [query];
  const out = [...configured];
  for (const value of added) {
    if (typeof value !== "string" || value.length > 300) throw invalid();
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw invalid();
    }
    if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username || url.password)
      throw invalid();
    const text = url.href;
    if (!out.includes(text)) out.push(text);
  }
  if (out.length > MAX_PAGE_RPC_ENDPOINTS) {
    throw new ApiError(400, ApiErrorCode.InvalidQuery, `at most ${MAX_PAGE_RPC_ENDPOINTS} RPC endpoints`);
  }
  return out;
}

const invalid = () =>
  new ApiError(400, ApiErrorCode.InvalidQuery, "rpc must be an http(s) URL without credentials");
