import { createRequire } from "node:module";
import type { SignatureVerifier } from "./signature.ts";

type NativeSecp256k1 = {
  ecdsaVerify(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): boolean;
};

let cached: NativeSecp256k1 | undefined;

function loadNative(): NativeSecp256k1 {
  if (!cached) {
    // The `secp256k1` package binds bitcoin-core's libsecp256k1 (~25k verifies/s per core here, ~45x noble).
    // The bindings entry (not the package main) so a missing addon fails loudly instead of silently
    // falling back to the package's pure-JS elliptic code. Loaded on first use so that importing this module costs nothing and browsers never reach it.
    const require = createRequire(import.meta.url);
    cached = require("secp256k1/bindings.js") as NativeSecp256k1;
  }
  return cached;
}

/**
 * Verifier backed by native libsecp256k1: the gateway's hot path. Node only.
 * libsecp256k1 itself refuses high-S signatures, matching {@link nobleVerifier}.
 * @example nativeVerifier.verify(digest, signature, publicKey) // true or false
 */
export const nativeVerifier: SignatureVerifier = {
  name: "native",
  verify(digest, signature, publicKey) {
    try {
      return loadNative().ecdsaVerify(signature, digest, publicKey);
    } catch {
      return false;
    }
  },
};
