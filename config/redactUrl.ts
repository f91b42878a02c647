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
    // A MongoDB seed list (`mongodb://user:pw@h1:27017,h2:27017/db`) is no WHATWG URL: its hosts are
    // still worth printing, never what surrounds them.
    const seedList = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/?#]*@)?([A-Za-z0-9.,:[\]-]+)([/?#].*)?$/.exec(url);
    if (seedList) return `${seedList[1]}://${seedList[2]}${seedList[3] ? "/…" : ""}`;
    return "[redacted: not a URL]";
  }
}
