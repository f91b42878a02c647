import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import {
  decodeEventMessage,
  eventProofBundleSchema,
  hexToBytes,
  nobleVerifier,
  type ProtocolError,
  verifyEventMessage,
} from "#protocol";
import { nativeVerifier } from "#protocol/native";
import { buildEventVectors, type EventVectors } from "./buildEventVectors.ts";

const vectors = JSON.parse(
  readFileSync(new URL("./events-v1.json", import.meta.url), "utf8"),
) as EventVectors;

describe("golden vectors test/vectors/events-v1.json", () => {
  it("are exactly what the generator script writes (regenerate with `npm run vectors`)", () => {
    expect(vectors).toEqual(JSON.parse(JSON.stringify(buildEventVectors())));
  });

  it("keep docs/schemas/sealtrail-event-proof-v1.schema.json equal to the schema in protocol/", () => {
    const doc = JSON.parse(
      readFileSync(
        new URL("../../docs/schemas/sealtrail-event-proof-v1.schema.json", import.meta.url),
        "utf8",
      ),
    );
    expect(doc).toEqual(JSON.parse(JSON.stringify(eventProofBundleSchema)));
  });

  it.each([
    ["noble", nobleVerifier],
    ["native", nativeVerifier],
  ])(
    "every valid vector verifies (%s) and decodes to its header, payload, signer and organisation",
    (_name, verifier) => {
      for (const v of vectors.valid) {
        const key = vectors.keys[v.signer]!;
        const decoded = verifyEventMessage(
          hexToBytes(v.message),
          key.address,
          hexToBytes(key.publicKey),
          verifier,
        );
        expect(decoded.messageId).toBe(v.messageId);
        expect(decoded.contentType).toBe(v.contentType);
        expect(decoded.signedBy).toBe(v.signedBy);
        expect(decoded.organisation).toBe(v.organisation);
        expect(new TextDecoder().decode(decoded.payload)).toBe(v.payload);
        expect(Buffer.from(decoded.protectedBytes).toString("hex")).toBe(v.protectedHeader.slice(2));
      }
    },
  );

  it("every invalid vector is refused with its stated code", () => {
    for (const v of vectors.invalid) {
      const key = vectors.keys[v.signer]!;
      let code = "ACCEPTED";
      try {
        decodeEventMessage(hexToBytes(v.message));
        verifyEventMessage(hexToBytes(v.message), key.address, hexToBytes(key.publicKey), nobleVerifier);
      } catch (error) {
        code = (error as ProtocolError).code;
      }
      expect([v.description, code]).toEqual([v.description, v.reason]);
    }
  });
});
