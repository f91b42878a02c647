// Public API of gateway/verifyPool/.
export { VerifyPool, type VerifyPoolOptions } from "./VerifyPool.ts";
