// The event vectors (test/vectors/events-v1.json) against the INDEPENDENT event verifier
// (verifyEvent.mjs, written from docs/protocol.md section 19): every valid vector verifies and decodes to
// what the vector says, every invalid one is refused with its code.
import { readFileSync } from "node:fs";
import { describe, expect, test } from "@jest/globals";
import { verifyEventMessage } from "./verifyEvent.mjs";

type EventVectors = {
  keys: { role: string; publicKey: string; address: string }[];
  valid: {
    signer: number;
    contentType: string;
    signedBy: string;
    organisation: string | null;
    payload: string;
    message: string;
    messageId: string;
  }[];
  invalid: { description: string; signer: number; reason: string; message: string }[];
};
const vectors = JSON.parse(
  readFileSync(new URL("../vectors/events-v1.json", import.meta.url), "utf8"),
) as EventVectors;

describe("event vectors, checked by the independent verifier", () => {
  test("every key is marked EXAMPLE", () => {
    for (const k of vectors.keys) expect(k.role).toMatch(/EXAMPLE/);
  });

  test("every valid vector verifies with its key and decodes to the vector's values", () => {
    for (const v of vectors.valid) {
      const key = vectors.keys[v.signer]!;
      const result = verifyEventMessage(v.message, key.publicKey);
      expect(result).toMatchObject({
        ok: true,
        messageId: v.messageId,
        signer: key.address,
        contentType: v.contentType,
        signedBy: v.signedBy,
        organisation: v.organisation,
      });
      const payload = JSON.parse(v.payload) as { event?: unknown };
      expect(result.ok && result.event).toEqual(v.organisation === null ? payload : payload.event);
    }
  });

  test("every invalid vector is refused with the reference code", () => {
    for (const v of vectors.invalid) {
      const result = verifyEventMessage(v.message, vectors.keys[v.signer]!.publicKey);
      expect([v.description, result.ok ? "ACCEPTED" : result.reason]).toEqual([v.description, v.reason]);
    }
  });
});
