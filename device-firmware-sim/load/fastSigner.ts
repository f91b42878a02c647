import { createRequire } from "node:module";
import { signDigest } from "#protocol";

type NativeSecp256k1 = { ecdsaSign(digest: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array } };

/** Signs a 32-byte digest: low-S compact `r||s`, RFC 6979 deterministic. */
export type DigestSigner = (digest: Uint8Array, privateKey: Uint8Array) => Uint8Array;

/**
 * The fastest ES256K signer available: libsecp256k1 through the native `secp256k1` addon when it loads
 * (~30× noble), else noble. Both produce the same bytes — RFC 6979 nonces, normalised to low-S — so
 * pre-signed load is indistinguishable from what devices sign. Loaded on first call, never at import.
 * @example const sign = loadFastSigner(); sign(digest, privateKey).length // 64
 */
export function loadFastSigner(): DigestSigner {
  try {
    const native = createRequire(import.meta.url)("secp256k1/bindings.js") as NativeSecp256k1;
    return (digest, privateKey) => native.ecdsaSign(digest, privateKey).signature;
  } catch {
    return signDigest;
  }
}
