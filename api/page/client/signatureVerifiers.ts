import { createNobleTableVerifier, type SignatureVerifier } from "#protocol";
import type { VerifierChoice } from "./workerMessages.ts";

/**
 * The worker's secp256k1 verifier. "wasm" is libsecp256k1 compiled to WebAssembly (tiny-secp256k1's build,
 * loaded from this origin as a chunk of its own, ~1.2 MB that hardly compresses: its precomputed tables);
 * "noble" is @noble/curves in pure JavaScript with a precomputed table per public key (protocol's
 * nobleTableVerifier; a product's readings come from a few sensors, so the tables pay off). Both refuse
 * high-S signatures and answer false, never throw, for anything that does not verify. bench:productpage
 * measures both in Chromium (docs/benchmarks.md).
 * @example const verifier = await loadSignatureVerifier("wasm")
 */
export async function loadSignatureVerifier(choice: VerifierChoice): Promise<SignatureVerifier> {
  if (choice === "noble") return createNobleTableVerifier({ maxKeys: 64 });
  const ecc = await import("tiny-secp256k1");
  return {
    name: "libsecp256k1-wasm",
    verify(digest, signature, publicKey) {
      try {
        // strict: libsecp256k1's own verify, which refuses a high-S signature rather than normalising it.
        return ecc.verify(digest, publicKey, signature, true);
      } catch {
        return false;
      }
    },
  };
}
