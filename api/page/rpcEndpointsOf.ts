/** More than a handful of endpoints is a mistake or an attempt to bloat the page's policy. */
export const MAX_PAGE_RPC_ENDPOINTS = 4;

/**
 * The chain RPC endpoints the page reads anchors from: the operator's configured ones, then those the
 * user added with `?rpc=URL` (the page's "use my own endpoint" form). A user's endpoint goes into the
 * page's connect-src, so only plain http(s) URLs without credentials are taken, at most four in all; the
 * others are handed back as `refused` for the page to show (a scan must always get its page, so a bad
 * `rpc` is never an error).
 * @example rpcEndpointsOf(req.query.rpc, ["https://sepolia.optimism.io"]).endpoints
 */
export function rpcEndpointsOf(
  query: unknown,
  configured: readonly string[],
): { endpoints: string[]; refused: string[] } {
  const added = query === undefined ? [] : Array.isArray(query) ? query : [query];
  const endpoints = [...configured];
  const refused: string[] = [];
  for (const value of added) {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    const url = usableUrl(value);
    if (url === null || (!endpoints.includes(url) && endpoints.length >= MAX_PAGE_RPC_ENDPOINTS)) {
      refused.push(text.slice(0, 300));
      continue;
    }
    if (!endpoints.includes(url)) endpoints.push(url);
  }
  return { endpoints, refused };
}

function usableUrl(value: unknown): string | null {
  if (typeof value !== "string" || value.length > 300) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username || url.password) return null;
  return url.href;
}
