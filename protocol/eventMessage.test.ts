import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import {
  ATTESTED_EVENT_CONTENT_TYPE,
  addressToBytes,
  assembleCoseSign1,
  bytesToHex,
  decodeEventMessage,
  decodeReading,
  deviceIdentityFromPrivateKey,
  EVENT_CONTENT_TYPE,
  encodeCbor,
  encodeEventProtectedHeader,
  GENESIS_PREV,
  keccak256,
  nobleVerifier,
  type ProtocolError,
  signAttestedEvent,
  signDigest,
  signEvent,
  signingDigest,
  signReading,
  toHighS,
  verifyEventMessage,
} from "#protocol";
import { nativeVerifier } from "#protocol/native";

const key = (label: string) =>
  deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode(`EXAMPLE key ${label}`)));
const org = key("organisation");
const attester = key("attester");
const utf8 = new TextEncoder();

const EVENT_TEXT =
  '{"type":"ObjectEvent","eventTime":"2026-01-05T10:00:00.000Z","eventTimeZoneOffset":"+01:00","epcList":["urn:epc:id:sgtin:4012345.011111.1"],"action":"OBSERVE","bizStep":"shipping"}';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as ProtocolError).code ?? String(error);
  }
  return "ACCEPTED";
}

/** Signs any payload under any protected header: the forgeries a verifier must refuse. */
function signWith(protectedBytes: Uint8Array, payload: Uint8Array, privateKey = org.privateKey): Uint8Array {
  return assembleCoseSign1(
    protectedBytes,
    payload,
    signDigest(signingDigest(protectedBytes, payload), privateKey),
  );
}

describe("event messages (COSE_Sign1 / ES256K with a content type)", () => {
  it("round-trips an organisation-signed event: the payload is the event's bytes exactly as given", () => {
    const { message, messageId } = signEvent(org, EVENT_TEXT);
    const decoded = verifyEventMessage(message, org.address, org.publicKey, nobleVerifier);
    expect(new TextDecoder().decode(decoded.payload)).toBe(EVENT_TEXT);
    expect(decoded.signedBy).toBe("organisation");
    expect(decoded.organisation).toBeNull();
    expect(decoded.signer).toBe(org.address);
    expect(decoded.event).toEqual(JSON.parse(EVENT_TEXT));
    expect(messageId).toBe(bytesToHex(keccak256(message)));
    expect(decoded.messageId).toBe(messageId);
  });

  it("round-trips an attested event: payload {org, event} with the event's text embedded unchanged", () => {
    const { message } = signAttestedEvent(attester, "acme-foods", EVENT_TEXT);
    const decoded = verifyEventMessage(message, attester.address, attester.publicKey, nativeVerifier);
    expect(new TextDecoder().decode(decoded.payload)).toBe(`{"org":"acme-foods","event":${EVENT_TEXT}}`);
    expect(decoded.signedBy).toBe("attester");
    expect(decoded.organisation).toBe("acme-foods");
    expect(decoded.event).toEqual(JSON.parse(EVENT_TEXT));
  });

  it("writes the byte-exact protected headers of docs/protocol.md", () => {
    const kid = addressToBytes(org.address);
    const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
    expect(hex(encodeEventProtectedHeader(EVENT_CONTENT_TYPE, kid))).toBe(
      `a301382e0373${hex(utf8.encode("application/ld+json"))}0454${hex(kid)}`,
    );
    expect(hex(encodeEventProtectedHeader(ATTESTED_EVENT_CONTENT_TYPE, kid))).toBe(
      `a301382e03782d${hex(utf8.encode("application/vnd.sealtrail.attested-event+json"))}0454${hex(kid)}`,
    );
  });

  it("is deterministic (RFC 6979): the same event signs to the same bytes", () => {
    expect(signEvent(org, EVENT_TEXT).message).toEqual(signEvent(org, EVENT_TEXT).message);
  });

  it("never takes a reading for an event, nor an event for a reading", () => {
    const reading = signReading(org, { v: 1, seq: 1, ts: 1, prev: GENESIS_PREV, m: { temp_c: 4 } });
    expect(codeOf(() => decodeEventMessage(reading.message))).toBe("UNSUPPORTED_CONTENT_TYPE");
    expect(codeOf(() => decodeReading(signEvent(org, EVENT_TEXT).message))).toBe("MALFORMED_COSE");
  });

  it("refuses another content type, an extra header entry and a header in other bytes", () => {
    const kid = addressToBytes(org.address);
    const payload = utf8.encode(EVENT_TEXT);
    const other = encodeCbor(
      new Map<number, unknown>([
        [1, -47],
        [3, "application/json"],
        [4, kid],
      ]),
    );
    expect(codeOf(() => decodeEventMessage(signWith(other, payload)))).toBe("UNSUPPORTED_CONTENT_TYPE");
    const extra = encodeCbor(
      new Map<number, unknown>([
        [1, -47],
        [3, EVENT_CONTENT_TYPE],
        [4, kid],
        [5, new Uint8Array(0)],
      ]),
    );
    expect(codeOf(() => decodeEventMessage(signWith(extra, payload)))).toBe("MALFORMED_COSE");
    const reordered = encodeCbor(
      new Map<number, unknown>([
        [4, kid],
        [3, EVENT_CONTENT_TYPE],
        [1, -47],
      ]),
    );
    expect(codeOf(() => decodeEventMessage(signWith(reordered, payload)))).toBe("MALFORMED_COSE");
    const es256 = encodeCbor(
      new Map<number, unknown>([
        [1, -7],
        [3, EVENT_CONTENT_TYPE],
        [4, kid],
      ]),
    );
    expect(codeOf(() => decodeEventMessage(signWith(es256, payload)))).toBe("UNSUPPORTED_ALG");
  });

  it("refuses a high-S signature, a wrong signer and a signature by another key", () => {
    const { message } = signEvent(org, EVENT_TEXT);
    const sigAt = message.length - 64;
    const highS = message.slice();
    highS.set(toHighS(message.subarray(sigAt)), sigAt);
    expect(codeOf(() => decodeEventMessage(highS))).toBe("HIGH_S");
    expect(
      codeOf(() => verifyEventMessage(message, attester.address, attester.publicKey, nobleVerifier)),
    ).toBe("KID_MISMATCH");
    const forged = signWith(
      encodeEventProtectedHeader(EVENT_CONTENT_TYPE, addressToBytes(org.address)),
      utf8.encode(EVENT_TEXT),
      attester.privateKey,
    );
    expect(codeOf(() => verifyEventMessage(forged, org.address, org.publicKey, nobleVerifier))).toBe(
      "BAD_SIGNATURE",
    );
  });

  it("refuses payloads that are not one EPCIS event as bounded UTF-8 JSON", () => {
    const header = encodeEventProtectedHeader(EVENT_CONTENT_TYPE, addressToBytes(org.address));
    const cases: [string, Uint8Array][] = [
      ["not JSON", utf8.encode("{oops")],
      ["an array", utf8.encode(`[${EVENT_TEXT}]`)],
      ["a document", utf8.encode('{"type":"EPCISDocument","epcisBody":{"eventList":[]}}')],
      ["an unknown type", utf8.encode('{"type":"MagicEvent"}')],
      ["__proto__", utf8.encode('{"type":"ObjectEvent","__proto__":{"x":1}}')],
      ["too deep", utf8.encode(`{"type":"ObjectEvent","x":${"[".repeat(40)}${"]".repeat(40)}}`)],
      ["invalid UTF-8", Uint8Array.of(0x7b, 0xff, 0x7d)],
      ["a BOM", Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8.encode(EVENT_TEXT)])],
    ];
    for (const [what, payload] of cases) {
      expect([what, codeOf(() => decodeEventMessage(signWith(header, payload)))]).toEqual([
        what,
        "INVALID_EVENT",
      ]);
    }
    const attestedHeader = encodeEventProtectedHeader(
      ATTESTED_EVENT_CONTENT_TYPE,
      addressToBytes(org.address),
    );
    const attestedCases = [
      `{"org":"acme","event":${EVENT_TEXT},"extra":1}`,
      `{"event":${EVENT_TEXT}}`,
      `{"org":"a b","event":${EVENT_TEXT}}`,
      `{"org":"acme","event":[]}`,
    ];
    for (const text of attestedCases) {
      expect([text, codeOf(() => decodeEventMessage(signWith(attestedHeader, utf8.encode(text))))]).toEqual([
        text,
        "INVALID_EVENT",
      ]);
    }
  });

  it("refuses a message over 64 KiB before decoding it", () => {
    expect(codeOf(() => decodeEventMessage(new Uint8Array(65_537).fill(0xd2)))).toBe("TOO_LARGE");
  });

  it("invalidates the message when any single byte changes", () => {
    const { message } = signEvent(org, EVENT_TEXT);
    fc.assert(
      fc.property(fc.nat({ max: message.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, flip) => {
        const bad = message.slice();
        bad[at] = bad[at]! ^ flip;
        expect(codeOf(() => verifyEventMessage(bad, org.address, org.publicKey, nobleVerifier))).not.toBe(
          "ACCEPTED",
        );
      }),
      { numRuns: 300 },
    );
  });
});
