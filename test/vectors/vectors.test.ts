import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { computeAddress, SigningKey } from "ethers";
import {
  bytesToHex,
  connectTokenFromPassword,
  decodeReading,
  type Hex,
  hexToBytes,
  keccak256,
  MessageMerkleTree,
  nobleVerifier,
  normalizeAddress,
  type ProtocolError,
  readingToJson,
  verifyConnectToken,
  verifyMerkleProof,
  verifyReading,
} from "#protocol";
import { nativeVerifier } from "#protocol/native";
import type { TokenVectors } from "./buildTokenVectors.ts";
import { buildConnectTokenVectors, buildVectors, type Vectors } from "./buildVectors.ts";

const vectors = JSON.parse(readFileSync(new URL("./protocol-v1.json", import.meta.url), "utf8")) as Vectors;
const tokenVectors = JSON.parse(
  readFileSync(new URL("./connect-tokens-v1.json", import.meta.url), "utf8"),
) as TokenVectors;

describe("golden vectors test/vectors/protocol-v1.json", () => {
  it("are exactly what the generator script writes (regenerate with `npm run vectors`)", () => {
    expect(vectors).toEqual(JSON.parse(JSON.stringify(buildVectors())));
  });

  it("have the required coverage: 2 devices, >= 10 chained messages, trees of 1, odd and >= 16 leaves, >= 6 invalid kinds", () => {
    expect(vectors.devices.length).toBeGreaterThanOrEqual(2);
    expect(vectors.messages.length).toBeGreaterThanOrEqual(10);
    const sizes = vectors.trees.map((t) => t.messageIds.length);
    expect(sizes).toContain(1);
    expect(sizes.some((n) => n % 2 === 1 && n > 1)).toBe(true);
    expect(Math.max(...sizes)).toBeGreaterThanOrEqual(16);
    expect(new Set(vectors.invalid.map((i) => i.reason)).size).toBeGreaterThanOrEqual(6);
  });

  it("name devices whose keys and EIP-55 addresses ethers derives the same way", () => {
    for (const d of vectors.devices) {
      const key = new SigningKey(d.privateKey);
      expect(key.compressedPublicKey).toBe(d.publicKey);
      expect(computeAddress(key.publicKey)).toBe(d.address);
    }
  });

  it.each([nobleVerifier, nativeVerifier])(
    "valid messages verify with the $name verifier, ids match, chains link",
    (verifier) => {
      const lastId = new Map<number, Hex>();
      for (const m of vectors.messages) {
        const d = vectors.devices[m.device]!;
        const decoded = verifyReading(
          hexToBytes(m.message),
          normalizeAddress(d.address),
          hexToBytes(d.publicKey),
          verifier,
        );
        expect(decoded.messageId).toBe(m.messageId);
        expect(bytesToHex(keccak256(hexToBytes(m.message)))).toBe(m.messageId);
        expect(readingToJson(decoded.reading)).toEqual(m.payload);
        const expectedPrev = lastId.get(m.device) ?? `0x${"00".repeat(32)}`;
        expect(m.payload.prev).toBe(expectedPrev);
        expect(m.payload.seq).toBe(
          (vectors.messages.filter((x) => x.device === m.device).indexOf(m) as number) + 1,
        );
        lastId.set(m.device, m.messageId);
      }
    },
  );

  it.each([nobleVerifier, nativeVerifier])(
    "every invalid message is refused with its stated reason ($name)",
    (verifier) => {
      for (const bad of vectors.invalid) {
        const d = vectors.devices[bad.device]!;
        let code = "ACCEPTED";
        try {
          verifyReading(
            hexToBytes(bad.message),
            normalizeAddress(d.address),
            hexToBytes(d.publicKey),
            verifier,
          );
        } catch (error) {
          code = (error as ProtocolError).code;
        }
        expect({ description: bad.description, code }).toEqual({
          description: bad.description,
          code: bad.reason,
        });
      }
    },
  );

  it("trees: roots and proofs equal @openzeppelin/merkle-tree's and verify", () => {
    for (const t of vectors.trees) {
      const oz = StandardMerkleTree.of(
        t.messageIds.map((id) => [id]),
        ["bytes32"],
      );
      expect(t.root).toBe(oz.root);
      expect(MessageMerkleTree.build(t.messageIds).root).toBe(t.root);
      t.messageIds.forEach((id, i) => {
        expect(t.proofs[i]).toEqual(oz.getProof([id]));
        expect(verifyMerkleProof(t.root, id, t.proofs[i]!)).toBe(true);
      });
    }
  });

  it("valid messages decode without a key (what the gateway does before verifying)", () => {
    for (const m of vectors.messages)
      expect(decodeReading(hexToBytes(m.message)).reading.seq).toBe(m.payload.seq);
  });

  it.each([nobleVerifier, nativeVerifier])(
    "extra valid messages (float widths, negative values, name edges) verify and decode to their payload ($name)",
    (verifier) => {
      for (const ok of vectors.valid) {
        const d = vectors.devices[ok.device]!;
        const decoded = verifyReading(
          hexToBytes(ok.message),
          normalizeAddress(d.address),
          hexToBytes(d.publicKey),
          verifier,
        );
        expect({ description: ok.description, payload: readingToJson(decoded.reading) }).toEqual({
          description: ok.description,
          payload: ok.payload,
        });
        expect(decoded.messageId).toBe(ok.messageId);
      }
    },
  );

  it("cover the refusals the outside battery asked for: TOO_LARGE, float v/seq/ts, names, values, prev", () => {
    const reasons = vectors.invalid.map((i) => i.reason);
    expect(reasons).toContain("TOO_LARGE");
    expect(vectors.invalid.filter((i) => i.reason === "INVALID_PAYLOAD").length).toBeGreaterThanOrEqual(15);
    expect(vectors.invalid.find((i) => i.reason === "TOO_LARGE")!.message.length).toBeGreaterThan(
      2 + 2 * 4096,
    );
  });
});

describe("golden vectors test/vectors/connect-tokens-v1.json", () => {
  const keyOf = (i: number) => tokenVectors.keys[i]!;
  const check = (password: Uint8Array, clientId: string, device: number, nowSeconds: number): string => {
    try {
      verifyConnectToken(connectTokenFromPassword(password), {
        clientId,
        publicKey: hexToBytes(keyOf(device).publicKey),
        verifier: nobleVerifier,
        nowSeconds,
      });
      return "ACCEPTED";
    } catch (error) {
      return (error as ProtocolError).code;
    }
  };
  const ascii = (text: string) => new TextEncoder().encode(text);

  it("are exactly what the generator script writes (regenerate with `npm run vectors`)", () => {
    expect(tokenVectors).toEqual(JSON.parse(JSON.stringify(buildConnectTokenVectors())));
  });

  it("name their signing keys, EXAMPLE keys, and the first two are the devices of protocol-v1.json", () => {
    for (const k of tokenVectors.keys) {
      expect(k.note).toMatch(/EXAMPLE key/);
      expect(computeAddress(new SigningKey(k.privateKey).publicKey)).toBe(k.address);
    }
    expect(tokenVectors.keys.slice(0, 2).map((k) => k.privateKey)).toEqual(
      vectors.devices.map((d) => d.privateKey),
    );
  });

  it("valid tokens verify in both forms, with the key they name, at their iat and 300 s either side", () => {
    for (const t of tokenVectors.tokens) {
      expect(t.clientId).toBe(keyOf(t.device).address.toLowerCase());
      expect(t.signer).toBe(t.device);
      for (const now of [t.iat, t.iat - 300, t.iat + 300]) {
        expect(check(hexToBytes(t.token), t.clientId, t.device, now)).toBe("ACCEPTED");
        expect(check(ascii(t.tokenText), t.clientId, t.device, now)).toBe("ACCEPTED");
      }
      expect(Buffer.from(hexToBytes(t.token)).toString("base64url")).toBe(t.tokenText);
    }
  });

  it("invalid tokens are refused with their reason, in binary and in text form", () => {
    for (const bad of tokenVectors.invalid) {
      const binary = check(hexToBytes(bad.token), bad.clientId, bad.device, bad.nowSeconds);
      const text = check(ascii(bad.tokenText), bad.clientId, bad.device, bad.nowSeconds);
      expect({ description: bad.description, binary, text }).toEqual({
        description: bad.description,
        binary: bad.reason,
        text: bad.reason,
      });
    }
  });

  it("passwords that are not the one text form of a token are refused as bytes", () => {
    for (const bad of tokenVectors.invalidText) {
      expect({
        description: bad.description,
        code: check(ascii(bad.password), bad.clientId, bad.device, bad.nowSeconds),
      }).toEqual({ description: bad.description, code: bad.reason });
    }
  });
});
