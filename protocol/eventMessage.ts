import type { Hex } from "./bytes.ts";
import type { CborLimits } from "./cbor.ts";
import { ALG_ES256K, HEADER_ALG, HEADER_KID } from "./cose.ts";
import type { DecodedCoseSign1 } from "./coseSign1.ts";
import type { Address } from "./identity.ts";

/*
 * The event message (protocol v1 addition, docs/protocol.md section "Events"): a COSE_Sign1/ES256K exactly
 * like a reading, whose protected header also carries a content type (label 3). A reading's header has no
 * content type and is exactly `a2 01 38 2e 04 54 <kid>`, so an event can never be taken for a reading nor a
 * reading for an event: each decoder refuses the other's header.
 */

/** COSE header label of the content type (RFC 9052 §3.1). */
export const HEADER_CONTENT_TYPE = 3;

/** Content type of an event signed by an organisation key: the payload is one EPCIS 2.0 event, JSON-LD. */
export const EVENT_CONTENT_TYPE = "application/ld+json";

/**
 * Content type of an event the operator attests for an organisation: the payload is the UTF-8 JSON
 * `{"org": "<organisation id>", "event": <event>}`, signed by the operator's attester key.
 */
export const ATTESTED_EVENT_CONTENT_TYPE = "application/vnd.sealtrail.attested-event+json";

/** Who signed an event: the organisation itself, or the operator attesting for it. */
export type EventSignerKind = "organisation" | "attester";

/**
 * Bounds of an event message. The outer CBOR is the same four-item COSE_Sign1 as a reading's, only the
 * byte strings are longer (an EPCIS event with sensor reports is a few KiB; 64 KiB leaves room for large
 * ones while keeping a hostile message cheap). The JSON depth bound matches the capture interface's.
 */
export const EVENT_MESSAGE_LIMITS: CborLimits & { maxJsonDepth: number } = {
  maxBytes: 65_536,
  maxDepth: 4,
  maxContainerItems: 64,
  maxStringBytes: 65_536,
  maxJsonDepth: 32,
};

/** Organisation ids as they appear in an attested payload: 1..64 of `[A-Za-z0-9._-]`. */
export const ORGANISATION_ID_RE = /^[A-Za-z0-9._-]{1,64}$/;

/** The five EPCIS 2.0 event types: the `type` of an event payload must be one of them. */
export const EPCIS_EVENT_TYPES = [
  "ObjectEvent",
  "AggregationEvent",
  "TransactionEvent",
  "TransformationEvent",
  "AssociationEvent",
] as const;

/** A signed event message with its id (keccak256 of the raw bytes, as for readings). */
export type SignedEvent = { message: Uint8Array; messageId: Hex };

/** An event message decoded and shape-checked, signature not yet verified. */
export type DecodedEventMessage = DecodedCoseSign1 & {
  /** The protected header's content type. */
  contentType: typeof EVENT_CONTENT_TYPE | typeof ATTESTED_EVENT_CONTENT_TYPE;
  signedBy: EventSignerKind;
  /** kid as a lowercase address: the organisation key's, or the attester's. */
  signer: Address;
  /** The organisation the attester vouches for; null for an organisation-signed event (the key says who). */
  organisation: string | null;
  /** The EPCIS event as the signed JSON says it. */
  event: Record<string, unknown>;
  messageId: Hex;
};

const utf8 = new TextEncoder();

/** The shortest CBOR head of major type `major` (2 bytes, 3 text) for `length` < 65536. */
function head(major: 2 | 3, length: number): number[] {
  const base = major << 5;
  if (length < 24) return [base | length];
  if (length < 0x100) return [base | 24, length];
  return [base | 25, length >> 8, length & 0xff];
}

/**
 * The protected header bytes of an event message: the CBOR map `{1: -47, 3: contentType, 4: kid}`, keys in
 * ascending order, shortest heads. With a 20-byte kid these are
 * `a3 01 38 2e 03 73 "application/ld+json" 04 54 <kid>` and
 * `a3 01 38 2e 03 78 2d "application/vnd.sealtrail.attested-event+json" 04 54 <kid>`.
 * @example encodeEventProtectedHeader(EVENT_CONTENT_TYPE, kid) // a3 01 38 2e 03 73 …
 */
export function encodeEventProtectedHeader(
  contentType: typeof EVENT_CONTENT_TYPE | typeof ATTESTED_EVENT_CONTENT_TYPE,
  kid: Uint8Array,
): Uint8Array {
  const type = utf8.encode(contentType);
  return Uint8Array.from([
    0xa3,
    HEADER_ALG,
    0x38,
    -1 - ALG_ES256K,
    HEADER_CONTENT_TYPE,
    ...head(3, type.length),
    ...type,
    HEADER_KID,
    ...head(2, kid.length),
    ...kid,
  ]);
}
