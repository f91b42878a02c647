// Public API of evidence/: the `sealtrail-evidence-v1` package, its builder and its verifier. Everything
// reachable from here except buildEvidencePackage's source runs in a browser: no Node built-ins.
export { base64ToBytes, bytesToBase64 } from "./base64.ts";
export {
  buildEvidencePackage,
  type EvidenceContent,
  type EvidenceSource,
  type SourceEvent,
} from "./buildEvidencePackage.ts";
export {
  ANCHOR_CHECK_CONCURRENCY,
  type AnchorOutcome,
  checkEvidenceAnchors,
  type EvidenceEndpoint,
} from "./checkEvidenceAnchors.ts";
export type { BatchSignatureVerifier, SignatureJob } from "./checkEvidenceSignatures.ts";
export { EvidenceError, EvidenceErrorCode } from "./errors.ts";
export {
  EVIDENCE_FORMAT,
  type EvidenceBatch,
  type EvidenceDeviceKey,
  type EvidenceJourney,
  type EvidenceOrganisationKey,
  type EvidencePackage,
  type EvidenceProfile,
  type EvidenceSubject,
  type JourneyEvent,
  type JourneySensor,
} from "./evidencePackage.ts";
export { evidenceSchema } from "./evidenceSchema.ts";
export { type FetchLike, fetchJsonRpc } from "./fetchJsonRpc.ts";
export { formatEvidenceReport } from "./formatEvidenceReport.ts";
export { type BatchMultiProof, batchMultiProof, processMultiProof } from "./multiproof.ts";
export { parseEvidencePackage } from "./parseEvidencePackage.ts";
export { type RecomputedJourney, type RecomputedSensor, recomputeJourney } from "./recomputeJourney.ts";
export {
  type EvidenceFailure,
  type EvidenceProgress,
  type OfflineEvidence,
  type VerifiedEvent,
  type VerifiedReading,
  verifyEvidenceMessages,
} from "./verifyEvidenceMessages.ts";
export {
  EVIDENCE_REPORT_FORMAT,
  type EvidenceReport,
  type EvidenceStatus,
  type EvidenceVerification,
  type VerifyEvidenceOptions,
  verifyEvidencePackage,
} from "./verifyEvidencePackage.ts";
