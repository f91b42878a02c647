import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { bytesToHex } from "./bytes.ts";
import { encodeCbor } from "./cbor.ts";
import { ALG_ES256K, encodeProtectedHeader, HEADER_ALG, HEADER_KID, sigStructure } from "./cose.ts";

// The COSE byte layouts are written out by hand for speed; a general CBOR encoder is the oracle.
describe("COSE byte layouts", () => {
  it("encodes the protected header as the CBOR map {1: -47, 4: kid}", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (kid) => {
        const generic = encodeCbor(
          new Map<number, unknown>([
            [HEADER_ALG, ALG_ES256K],
            [HEADER_KID, kid],
          ]),
        );
        expect(bytesToHex(encodeProtectedHeader(kid))).toBe(bytesToHex(generic));
      }),
    );
    expect(bytesToHex(encodeProtectedHeader(new Uint8Array(20))).slice(0, 14)).toBe("0xa201382e0454");
  });

  it("encodes the Sig_structure as CBOR [\"Signature1\", protected, h'', payload] at every head size", () => {
    const lengths = [0, 1, 23, 24, 255, 256, 65535, 65536];
    for (const protectedLength of [0, 26, 300]) {
      for (const payloadLength of lengths) {
        const protectedBytes = new Uint8Array(protectedLength).fill(0xa2);
        const payload = new Uint8Array(payloadLength).map((_, i) => i & 0xff);
        const generic = encodeCbor(["Signature1", protectedBytes, new Uint8Array(0), payload]);
        expect(bytesToHex(sigStructure(protectedBytes, payload))).toBe(bytesToHex(generic));
      }
    }
  });
});
