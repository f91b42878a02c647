// EPCIS 2.0 documents as the capture interface receives them: bounded parsing and the checks (GS1's JSON
// Schema and the rules it cannot state). Re-exported by gs1/index.ts.
export {
  checkEventRules,
  EPCIS_EVENT_TYPES,
  type EpcisEventType,
  type EventRuleOptions,
} from "./checkEventRules.ts";
export {
  type EpcisExceptionType,
  type EpcisProblem,
  EpcisProblemCode,
  epcisProblem,
  pointerTo,
} from "./epcisProblem.ts";
export { DEFAULT_EPCIS_JSON_LIMITS, type EpcisJsonLimits, parseEpcisJson } from "./parseEpcisJson.ts";
export {
  type CheckedEpcisDocument,
  type CheckedEvent,
  checkEpcisDocument,
  type EpcisDocumentOptions,
} from "./validateEpcisDocument.ts";
