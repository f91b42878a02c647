/**
 * The product page's Content-Security-Policy: scripts, styles, images, fonts and workers from this
 * origin only, no inline script or style, no eval. `'wasm-unsafe-eval'` lets the worker compile
 * WebAssembly (libsecp256k1, the hashers) and nothing else: it does not allow eval() or new Function()
 * (CSP Level 3, §6.1.11). `connect-src` adds the chain RPC endpoints the page will read anchors from,
 * the only requests the page makes outside this origin; there is no other way out (no frames, no form
 * posts elsewhere, no base-uri change).
 * @example res.set("Content-Security-Policy", productPageCsp(["https://sepolia.optimism.io"]))
 */
export function productPageCsp(rpcEndpoints: readonly string[]): string {
  const origins = [...new Set(rpcEndpoints.map((url) => new URL(url).origin))];
  return [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${origins.map((o) => ` ${o}`).join("")}`,
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "manifest-src 'none'",
  ].join("; ");
}
