// The CONNECT token vectors (test/vectors/connect-tokens-v1.json) against the INDEPENDENT device
// (test/independent-device/device.mjs, written from docs/protocol.md alone): it must sign every valid
// token byte for byte with the key the vector names, and its text form is plain base64url without padding
// (RFC 4648 §5, Node's own encoder here: nothing of Sealtrail's code).
import { readFileSync } from "node:fs";
import { describe, expect, test } from "@jest/globals";
import { identityFromPrivateKey, signConnectToken, toHex } from "../independent-device/device.mjs";

type TokenVectors = {
  keys: { note: string; privateKey: string; address: string }[];
  tokens: {
    device: number;
    signer: number;
    clientId: string;
    iat: number;
    token: string;
    tokenText: string;
  }[];
  invalid: { token: string; tokenText: string }[];
};
const vectors = JSON.parse(
  readFileSync(new URL("../vectors/connect-tokens-v1.json", import.meta.url), "utf8"),
) as TokenVectors;

describe("CONNECT token vectors, reproduced by the independent device", () => {
  test("every key is marked as an EXAMPLE key and derives its address", () => {
    for (const k of vectors.keys) {
      expect(k.note).toMatch(/EXAMPLE key/);
      expect(identityFromPrivateKey(k.privateKey).address).toBe(k.address.toLowerCase());
    }
  });

  test("every valid token is signed byte for byte by the key it names, and its text is its base64url", () => {
    for (const t of vectors.tokens) {
      const id = identityFromPrivateKey(vectors.keys[t.signer]!.privateKey);
      expect(id.address).toBe(t.clientId);
      expect(toHex(signConnectToken(id, t.iat))).toBe(t.token);
      expect(Buffer.from(t.token.slice(2), "hex").toString("base64url")).toBe(t.tokenText);
    }
  });

  test("the text form of every invalid token is the base64url of its bytes", () => {
    for (const t of vectors.invalid)
      expect(Buffer.from(t.token.slice(2), "hex").toString("base64url")).toBe(t.tokenText);
  });
});
