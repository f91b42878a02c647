// Public API of gateway/verifyPool/.

export { AdaptiveVerifier, type AdaptiveVerifierOptions } from "./AdaptiveVerifier.ts";
export { VerifyPool, type VerifyPoolOptions } from "./VerifyPool.ts";
