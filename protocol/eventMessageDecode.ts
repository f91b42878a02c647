import { bytesEqual, bytesToHex } from "./bytes.ts";
import { decodeCbor } from "./cbor.ts";
import { ALG_ES256K, COSE_SIGN1_TAG, HEADER_ALG, HEADER_KID, signingDigest } from "./cose.ts";
import { ProtocolError, ProtocolErrorCode } from "./errors.ts";
import {
  ATTESTED_EVENT_CONTENT_TYPE,
  type DecodedEventMessage,
  EVENT_CONTENT_TYPE,
  EVENT_MESSAGE_LIMITS,
  encodeEventProtectedHeader,
  HEADER_CONTENT_TYPE,
} from "./eventMessage.ts";
import { decodeAttestedEventPayload, decodeEventPayload } from "./eventMessagePayload.ts";
import { messageIdOf } from "./readingMessage.ts";
import { assertLowSCompactSignature } from "./signature.ts";

const TAG_BYTE = 0xc0 | COSE_SIGN1_TAG;

function malformed(detail: string): ProtocolError {
  return new ProtocolError(ProtocolErrorCode.MalformedCose, detail);
}

/**
 * Decodes an untrusted event message, structure only: bounded CBOR (EVENT_MESSAGE_LIMITS), a tagged
 * COSE_Sign1 with an empty unprotected map, the byte-exact protected header `{1: -47, 3: content type,
 * 4: kid}` with one of the two event content types, a low-S signature, and a payload that is one EPCIS
 * event (organisation-signed) or `{"org", "event"}` (attested) as bounded UTF-8 JSON. The signature is
 * checked separately ({@link verifyEventMessage}). Refusals: TOO_LARGE, MALFORMED_CBOR, UNSUPPORTED_CBOR,
 * MALFORMED_COSE, UNSUPPORTED_ALG, UNSUPPORTED_CONTENT_TYPE, KID_MISMATCH, MALFORMED_SIGNATURE, HIGH_S,
 * INVALID_EVENT.
 * @example decodeEventMessage(raw).event.type // "ObjectEvent"
 */
export function decodeEventMessage(raw: Uint8Array): DecodedEventMessage {
  const limits = EVENT_MESSAGE_LIMITS;
  if (raw.length > limits.maxBytes) {
    throw new ProtocolError(
      ProtocolErrorCode.TooLarge,
      `message of ${raw.length} bytes exceeds ${limits.maxBytes}`,
    );
  }
  if (raw.length === 0 || raw[0] !== TAG_BYTE)
    throw malformed("message must start with CBOR tag 18 (COSE_Sign1)");
  const outer = decodeCbor(raw.subarray(1), limits);
  if (!Array.isArray(outer) || outer.length !== 4) throw malformed("COSE_Sign1 must be an array of 4 items");
  const [protectedBytes, unprotected, payload, signature] = outer as unknown[];
  if (
    !(protectedBytes instanceof Uint8Array) ||
    !(payload instanceof Uint8Array) ||
    !(signature instanceof Uint8Array)
  ) {
    throw malformed("protected, payload and signature must be byte strings");
  }
  if (!(unprotected instanceof Map) || unprotected.size !== 0)
    throw malformed("unprotected header must be an empty map");
  const header = decodeCbor(protectedBytes, limits);
  if (!(header instanceof Map)) throw malformed("protected header must be a map");
  const alg = header.get(HEADER_ALG);
  if (alg !== ALG_ES256K) {
    throw new ProtocolError(ProtocolErrorCode.UnsupportedAlgorithm, "alg must be ES256K (-47)", {
      details: { alg: String(alg) },
    });
  }
  // Checked before the header's size: a reading's header {1, 4} is told apart by its missing content type.
  const contentType = header.get(HEADER_CONTENT_TYPE);
  if (contentType !== EVENT_CONTENT_TYPE && contentType !== ATTESTED_EVENT_CONTENT_TYPE) {
    throw new ProtocolError(
      ProtocolErrorCode.UnsupportedContentType,
      `content type must be "${EVENT_CONTENT_TYPE}" or "${ATTESTED_EVENT_CONTENT_TYPE}"`,
      {
        details: {
          contentType: typeof contentType === "string" ? contentType.slice(0, 80) : String(contentType),
        },
      },
    );
  }
  if (header.size !== 3)
    throw malformed("protected header must be exactly {1: alg, 3: content type, 4: kid}");
  const kid = header.get(HEADER_KID);
  if (!(kid instanceof Uint8Array) || kid.length !== 20)
    throw new ProtocolError(ProtocolErrorCode.KidMismatch, "kid must be the 20-byte signer address");
  // Byte-exact, as for readings: other bytes for the same header would give one signed event several ids.
  if (!bytesEqual(protectedBytes, encodeEventProtectedHeader(contentType, kid)))
    throw malformed("protected header must be exactly a3 01 38 2e 03 <content type> 04 54 <kid>");
  assertLowSCompactSignature(signature);
  const attested = contentType === ATTESTED_EVENT_CONTENT_TYPE;
  const body = attested
    ? decodeAttestedEventPayload(payload)
    : { org: null, event: decodeEventPayload(payload) };
  return {
    protectedBytes: new Uint8Array(protectedBytes),
    kid: new Uint8Array(kid),
    payload: new Uint8Array(payload),
    signature: new Uint8Array(signature),
    digest: signingDigest(protectedBytes, payload),
    contentType,
    signedBy: attested ? "attester" : "organisation",
    signer: bytesToHex(kid),
    organisation: body.org,
    event: body.event,
    messageId: messageIdOf(raw),
  };
}
