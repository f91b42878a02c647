/**
 * A URL safe to print: scheme, host and port only. Hosted RPC endpoints and brokers carry API keys and
 * passwords in the user info, path or query, and printed configurations end up in tickets and CI logs.
 * (cli/verify/describeRpcUrl.ts does the same for the verifier's reports.)
 * @example redactUrl("https://opt-sepolia.g.alchemy.com/v2/SECRET") // "https://opt-sepolia.g.alchemy.com/…"
 */
export function redactUrl(url: string): string {
  if (url === "") return url;
  try {
    const parsed = new URL(url);
    const hidden =
      parsed.pathname.length > 1 || parsed.search !== "" || parsed.username !== "" || parsed.password !== "";
    return `${parsed.protocol}//${parsed.host}${hidden ? "/…" : ""}`;
  } catch {
    return "[redacted: not a URL]";
  }
}
