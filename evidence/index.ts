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
export { type BatchMultiProof, batchMultiProof, processMultiProof } from "./multiproof.ts";
