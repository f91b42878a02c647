import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { computeAddress, SigningKey } from "ethers";
import {
  bytesToHex,
  decodeReading,
  type Hex,
  hexToBytes,
  keccak256,
  MessageMerkleTree,
  nobleVerifier,
  normalizeAddress,
  type ProtocolError,
  readingToJson,
  verifyMerkleProof,
  verifyReading,
} from "#protocol";
import { nativeVerifier } from "#protocol/native";
import { buildVectors, type Vectors } from "./buildVectors.ts";

const vectors = JSON.parse(readFileSync(new URL("./protocol-v1.json", import.meta.url), "utf8")) as Vectors;

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
});
