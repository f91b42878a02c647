import { nobleVerifier, type SignatureVerifier } from "#protocol";

/** libsecp256k1 through the native addon when it loads (several times noble's speed), else noble. */
export async function fastestVerifier(): Promise<SignatureVerifier> {
  try {
    const { nativeVerifier, nativeBackend } = await import("#protocol/native");
    nativeBackend(); // throws when neither addon loads
    return nativeVerifier;
  } catch {
    return nobleVerifier;
  }
}
