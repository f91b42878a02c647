// Public API of gateway/ingest/.
export { checkReading, type VerifiedReading } from "./checkReading.ts";
export { type IngestDeps, type IngestResult, ingestReading, readingLimits } from "./ingestReading.ts";
export { encodeRefusalNotice, recordRefusal, refusalBody, refusedMessageId } from "./reportRefusal.ts";
export { inlineReadingVerifier, type ReadingVerifier } from "./verifier.ts";
