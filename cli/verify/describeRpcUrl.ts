/**
 * An RPC URL safe to print: scheme, host and port only. Hosted endpoints carry API keys in the path,
 * query or user info, and reports end up in tickets and CI logs.
 * @example describeRpcUrl("https://opt-sepolia.g.alchemy.com/v2/SECRET") // "https://opt-sepolia.g.alchemy.com/…"
 */
export function describeRpcUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const hidden =
      parsed.pathname.length > 1 || parsed.search !== "" || parsed.username !== "" || parsed.password !== "";
    return `${parsed.protocol}//${parsed.host}${hidden ? "/…" : ""}`;
  } catch {
    return "(invalid URL)";
  }
}
