import { signingDigest } from "./cose.ts";
import { assembleCoseSign1 } from "./coseSign1.ts";
import { validateArgument } from "./errors.ts";
import {
  ATTESTED_EVENT_CONTENT_TYPE,
  EVENT_CONTENT_TYPE,
  EVENT_MESSAGE_LIMITS,
  encodeEventProtectedHeader,
  type SignedEvent,
} from "./eventMessage.ts";
import {
  assertOrganisationId,
  decodeAttestedEventPayload,
  decodeEventPayload,
} from "./eventMessagePayload.ts";
import { addressToBytes, type DeviceIdentity } from "./identity.ts";
import { signDigest } from "./nobleVerifier.ts";
import { messageIdOf } from "./readingMessage.ts";

/** An event as the signer produced it: its JSON text or bytes (signed as they are), or an object (serialised). */
export type EventInput = Uint8Array | string | Record<string, unknown>;

const utf8 = new TextEncoder();

function eventBytes(event: EventInput): Uint8Array {
  if (event instanceof Uint8Array) return event;
  return utf8.encode(typeof event === "string" ? event : JSON.stringify(event));
}

/** Signs a 32-byte digest, RFC 6979 and low-S: noble's `signDigest` (default) or libsecp256k1's on servers. */
export type DigestSigner = (digest: Uint8Array, privateKey: Uint8Array) => Uint8Array;

function sign(
  key: DeviceIdentity,
  contentType: typeof EVENT_CONTENT_TYPE | typeof ATTESTED_EVENT_CONTENT_TYPE,
  payload: Uint8Array,
  signer: DigestSigner,
): SignedEvent {
  validateArgument(
    payload.length <= EVENT_MESSAGE_LIMITS.maxBytes - 200,
    `event payload of ${payload.length} bytes is too large for one message`,
  );
  const protectedBytes = encodeEventProtectedHeader(contentType, addressToBytes(key.address));
  const signature = signer(signingDigest(protectedBytes, payload), key.privateKey);
  const message = assembleCoseSign1(protectedBytes, payload, signature);
  return { message, messageId: messageIdOf(message) };
}

/**
 * Signs one EPCIS event with an organisation key: content type `application/ld+json`, payload the event's
 * UTF-8 JSON bytes exactly as given (an object is serialised with JSON.stringify). Throws INVALID_EVENT
 * for anything a verifier would refuse.
 * @example signEvent(orgKey, '{"type":"ObjectEvent","eventTime":"2026-01-05T10:00:00Z",…}').messageId
 */
export function signEvent(
  organisationKey: DeviceIdentity,
  event: EventInput,
  signer: DigestSigner = signDigest,
): SignedEvent {
  const payload = eventBytes(event);
  decodeEventPayload(payload);
  return sign(organisationKey, EVENT_CONTENT_TYPE, payload, signer);
}

/**
 * Signs an event as the operator's attester for organisation `org`: content type
 * `application/vnd.sealtrail.attested-event+json`, payload `{"org":"<org>","event":<event>}` where
 * `<event>` is the event's JSON text exactly as given (an object is serialised with JSON.stringify).
 * @example signAttestedEvent(attesterKey, "acme-foods", event).message
 */
export function signAttestedEvent(
  attesterKey: DeviceIdentity,
  org: string,
  event: EventInput,
  signer: DigestSigner = signDigest,
): SignedEvent {
  assertOrganisationId(org);
  const inner = eventBytes(event);
  const prefix = utf8.encode(`{"org":${JSON.stringify(org)},"event":`);
  const payload = new Uint8Array(prefix.length + inner.length + 1);
  payload.set(prefix);
  payload.set(inner, prefix.length);
  payload[payload.length - 1] = 0x7d; // }
  decodeAttestedEventPayload(payload);
  return sign(attesterKey, ATTESTED_EVENT_CONTENT_TYPE, payload, signer);
}
