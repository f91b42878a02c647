// The key registry vectors (test/vectors/registry-keys-v1.json) against the INDEPENDENT verifier's own
// reading of docs/protocol.md section 13.1: every metadata hash and every judgement agrees.
import { readFileSync } from "node:fs";
import { describe, expect, test } from "@jest/globals";
import { addressFromPublicKey, registryKeyOk, registryMetadataHash } from "./verify.mjs";

type RegistryVectors = {
  keys: {
    role: string;
    kind: "device" | "organisation" | "attester";
    publicKey: string;
    address: string;
    metadataHash: string;
  }[];
  judgements: {
    description: string;
    key: number;
    record: { registeredAt: number; revokedAt: number; metadataHash: string };
    anchoredAt: number;
    ok: boolean;
  }[];
};
const vectors = JSON.parse(
  readFileSync(new URL("../vectors/registry-keys-v1.json", import.meta.url), "utf8"),
) as RegistryVectors;

describe("registry key vectors, checked by the independent verifier", () => {
  test("every key's metadata hash and address", () => {
    for (const k of vectors.keys) {
      expect(k.role).toMatch(/EXAMPLE/);
      expect(registryMetadataHash(k.kind, k.publicKey)).toBe(k.metadataHash);
      expect(addressFromPublicKey(k.publicKey)).toBe(k.address);
    }
  });

  test.each(vectors.judgements.map((j) => [j.description, j] as const))("%s", (_d, j) => {
    const key = vectors.keys[j.key]!;
    expect(registryKeyOk(j.record, key.kind, key.publicKey, j.anchoredAt).ok).toBe(j.ok);
  });
});
