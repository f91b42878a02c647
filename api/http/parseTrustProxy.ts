/**
 * The `trust proxy` setting from its configuration text: "false"/"true", a hop count ("1": the proxy in
 * front of us), or a comma-separated list of proxy addresses and subnets that Express takes as it is
 * ("loopback, 10.0.0.0/8"). Only a proxy we trust may tell us who the client is; trusting every hop
 * ("true") lets any client pick its own rate-limit key with a forged X-Forwarded-For.
 * @example parseTrustProxy("1") // 1
 */
export function parseTrustProxy(text: string): boolean | number | string {
  const t = text.trim();
  if (t === "" || t === "false") return false;
  if (t === "true") return true;
  if (/^\d+$/.test(t)) return Number(t);
  return t;
}
