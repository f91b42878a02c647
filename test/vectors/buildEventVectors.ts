/**
 * Builds the golden vectors of event messages (protocol v1 addition, docs/protocol.md section "Events")
 * deterministically: fixed EXAMPLE keys, fixed events, RFC 6979 signatures, so `npm run vectors` always
 * writes the same test/vectors/events-v1.json. The keys are EXAMPLE KEYS, public on purpose: never use them.
 */
import {
  ATTESTED_EVENT_CONTENT_TYPE,
  addressToBytes,
  assembleCoseSign1,
  bytesToHex,
  type DeviceIdentity,
  deviceIdentityFromPrivateKey,
  EVENT_CONTENT_TYPE,
  encodeCbor,
  encodeEventProtectedHeader,
  encodeProtectedHeader,
  type Hex,
  signAttestedEvent,
  signDigest,
  signEvent,
  signingDigest,
  toHighS,
} from "#protocol";
import { exampleKey } from "./buildVectors.ts";

export const EVENT_VECTORS_FORMAT = "sealtrail-event-vectors-v1";

export type EventVectors = {
  format: typeof EVENT_VECTORS_FORMAT;
  note: string;
  keys: { role: string; privateKey: Hex; publicKey: Hex; address: Hex }[];
  valid: {
    description: string;
    /** Index into keys. */
    signer: number;
    contentType: string;
    signedBy: "organisation" | "attester";
    organisation: string | null;
    protectedHeader: Hex;
    /** The payload as UTF-8 text (exactly the signed bytes). */
    payload: string;
    message: Hex;
    messageId: Hex;
  }[];
  invalid: { description: string; signer: number; reason: string; message: Hex }[];
};

const utf8 = new TextEncoder();

const SHIPPING =
  '{"type":"ObjectEvent","eventTime":"2026-01-05T10:00:00.000+01:00","eventTimeZoneOffset":"+01:00","epcList":["urn:epc:id:sgtin:4012345.011111.1001","urn:epc:id:sgtin:4012345.011111.1002"],"action":"OBSERVE","bizStep":"shipping","disposition":"in_transit","readPoint":{"id":"urn:epc:id:sgln:4012345.00000.0"}}';
// Whitespace and key order as an organisation's system wrote them: signed as they are, never re-encoded.
const PACKING = `{
  "type": "AggregationEvent",
  "eventTime": "2026-01-05T09:30:00Z",
  "eventTimeZoneOffset": "+00:00",
  "parentID": "urn:epc:id:sscc:4012345.0000000011",
  "childEPCs": ["urn:epc:id:sgtin:4012345.011111.1001"],
  "action": "ADD",
  "bizStep": "packing"
}`;

function signRaw(key: DeviceIdentity, header: Uint8Array, payload: Uint8Array): Uint8Array {
  return assembleCoseSign1(header, payload, signDigest(signingDigest(header, payload), key.privateKey));
}

/** @example buildEventVectors().valid[0].message */
export function buildEventVectors(): EventVectors {
  const org = deviceIdentityFromPrivateKey(exampleKey("event organisation 0"));
  const attester = deviceIdentityFromPrivateKey(exampleKey("event attester 0"));
  const keys = [
    { role: "organisation key (EXAMPLE)", id: org },
    { role: "operator attester key (EXAMPLE)", id: attester },
  ];
  const valid: EventVectors["valid"] = [];
  const addValid = (description: string, signer: number, organisation: string | null, payload: string) => {
    const key = keys[signer]!.id;
    const signed =
      organisation === null ? signEvent(key, payload) : signAttestedEvent(key, organisation, payload);
    const contentType = organisation === null ? EVENT_CONTENT_TYPE : ATTESTED_EVENT_CONTENT_TYPE;
    valid.push({
      description,
      signer,
      contentType,
      signedBy: organisation === null ? "organisation" : "attester",
      organisation,
      protectedHeader: bytesToHex(encodeEventProtectedHeader(contentType, addressToBytes(key.address))),
      payload: organisation === null ? payload : `{"org":${JSON.stringify(organisation)},"event":${payload}}`,
      message: bytesToHex(signed.message),
      messageId: signed.messageId,
    });
  };
  addValid("organisation-signed ObjectEvent (compact JSON)", 0, null, SHIPPING);
  addValid("organisation-signed AggregationEvent, with the whitespace its producer wrote", 0, null, PACKING);
  addValid("attested ObjectEvent for organisation acme-foods", 1, "acme-foods", SHIPPING);

  const orgHeader = encodeEventProtectedHeader(EVENT_CONTENT_TYPE, addressToBytes(org.address));
  const good = valid[0]!;
  const goodBytes = Uint8Array.from(Buffer.from(good.message.slice(2), "hex"));
  const highS = goodBytes.slice();
  highS.set(toHighS(goodBytes.subarray(goodBytes.length - 64)), goodBytes.length - 64);
  const flipped = goodBytes.slice();
  flipped[flipped.length - 1] = flipped[flipped.length - 1]! ^ 1;
  const kid = addressToBytes(org.address);
  const invalid: EventVectors["invalid"] = [
    {
      description: "a reading's protected header (no content type)",
      signer: 0,
      reason: "UNSUPPORTED_CONTENT_TYPE",
      message: bytesToHex(signRaw(org, encodeProtectedHeader(kid), utf8.encode(SHIPPING))),
    },
    {
      description: "content type application/json",
      signer: 0,
      reason: "UNSUPPORTED_CONTENT_TYPE",
      message: bytesToHex(
        signRaw(
          org,
          encodeCbor(
            new Map<number, unknown>([
              [1, -47],
              [3, "application/json"],
              [4, kid],
            ]),
          ),
          utf8.encode(SHIPPING),
        ),
      ),
    },
    {
      description: "header keys in another order (4, 3, 1)",
      signer: 0,
      reason: "MALFORMED_COSE",
      message: bytesToHex(
        signRaw(
          org,
          encodeCbor(
            new Map<number, unknown>([
              [4, kid],
              [3, EVENT_CONTENT_TYPE],
              [1, -47],
            ]),
          ),
          utf8.encode(SHIPPING),
        ),
      ),
    },
    { description: "high-S twin of valid vector 0", signer: 0, reason: "HIGH_S", message: bytesToHex(highS) },
    {
      description: "valid vector 0 with the last signature bit flipped",
      signer: 0,
      reason: "BAD_SIGNATURE",
      message: bytesToHex(flipped),
    },
    {
      description: "signed by the attester key under the organisation's kid",
      signer: 0,
      reason: "BAD_SIGNATURE",
      message: bytesToHex(signRaw(attester, orgHeader, utf8.encode(SHIPPING))),
    },
    {
      description: "payload is a JSON array of events",
      signer: 0,
      reason: "INVALID_EVENT",
      message: bytesToHex(signRaw(org, orgHeader, utf8.encode(`[${SHIPPING}]`))),
    },
    {
      description: "payload with a __proto__ key",
      signer: 0,
      reason: "INVALID_EVENT",
      message: bytesToHex(signRaw(org, orgHeader, utf8.encode('{"type":"ObjectEvent","__proto__":{}}'))),
    },
    {
      description: "payload type is not an EPCIS event type",
      signer: 0,
      reason: "INVALID_EVENT",
      message: bytesToHex(signRaw(org, orgHeader, utf8.encode('{"type":"EPCISDocument"}'))),
    },
    {
      description: "attested payload with a third key",
      signer: 1,
      reason: "INVALID_EVENT",
      message: bytesToHex(
        signRaw(
          attester,
          encodeEventProtectedHeader(ATTESTED_EVENT_CONTENT_TYPE, addressToBytes(attester.address)),
          utf8.encode(`{"org":"acme-foods","event":${SHIPPING},"x":1}`),
        ),
      ),
    },
  ];
  return {
    format: EVENT_VECTORS_FORMAT,
    note: "EXAMPLE keys, public on purpose: never use them. See docs/protocol.md, section Events.",
    keys: keys.map(({ role, id }) => ({
      role,
      privateKey: bytesToHex(id.privateKey),
      publicKey: bytesToHex(id.publicKey),
      address: id.address,
    })),
    valid,
    invalid,
  };
}
