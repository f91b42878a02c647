// Public API of gs1/: GS1 keys and check digits, GS1 Digital Link, EPC URNs, and the CBV 2.0 event hash.
// Pure functions over strings and JSON values. No I/O, no environment, no logging.
export { type BuildDigitalLinkOptions, buildDigitalLink, GS1_CANONICAL_PREFIX } from "./buildDigitalLink.ts";
export { assertAlphanumeric, isCharacterSet82 } from "./characterSet82.ts";
export { assertCheckDigit, gs1CheckDigit, hasValidCheckDigit } from "./checkDigit.ts";
export * from "./epcis/index.ts";
export { escapeEpcComponent, unescapeEpcComponent } from "./epcUriEscaping.ts";
export { Gs1Error, Gs1ErrorCode, isGs1Error } from "./errors.ts";
export { canonicalIdentifier } from "./eventHash/canonicalIdentifier.ts";
export { type EpcisDocumentEvents, eventsOfEpcisDocument } from "./eventHash/epcisDocumentEvents.ts";
export { eventHashId, hashPrehash } from "./eventHash/eventHashId.ts";
export { contextPrefixes, type EventHashOptions, eventPrehash } from "./eventHash/eventPrehash.ts";
export type {
  GiaiKey,
  GlnKey,
  GraiKey,
  Gs1Key,
  Gs1KeyType,
  GtinKey,
  LgtinKey,
  SgtinKey,
  SsccKey,
} from "./keys.ts";
export { MAX_LENGTH } from "./keys.ts";
export { keyToEpcUrn } from "./keyToEpcUrn.ts";
export { normaliseGtin } from "./normaliseGtin.ts";
export { type ParsedDigitalLink, parseDigitalLink } from "./parseDigitalLink.ts";
export { type ParsedEpcUrn, parseEpcUrn } from "./parseEpcUrn.ts";
export { decodeDigitalLinkValue, encodeDigitalLinkValue } from "./percentEncoding.ts";
export { validateKey } from "./validateKey.ts";
