import { describe, expect, it } from "@jest/globals";
import { bytesToHex } from "./bytes.ts";
import { keccak256 } from "./hashes.ts";
import { deviceIdentityFromPrivateKey } from "./identity.ts";
import { judgeKeyState, keyMetadataHash, type RegistryKeyRecord } from "./keyRegistry.ts";

const key = deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode("EXAMPLE key registry tests")));
const ZERO = "0x0000000000000000000000000000000000000000";

const record = (over: Partial<RegistryKeyRecord> = {}): RegistryKeyRecord => ({
  registeredAt: 1_000,
  revokedAt: 0,
  rotatedFrom: ZERO,
  rotatedTo: ZERO,
  metadataHash: keyMetadataHash("device", key.publicKey),
  ...over,
});

describe("keyMetadataHash", () => {
  it("is keccak256 of 'sealtrail-key-v1:<kind>:' and the compressed key, as docs/protocol.md writes it", () => {
    const prefix = new TextEncoder().encode("sealtrail-key-v1:organisation:");
    const expected = bytesToHex(keccak256(new Uint8Array([...prefix, ...key.publicKey])));
    expect(keyMetadataHash("organisation", key.publicKey)).toBe(expected);
    expect(keyMetadataHash("organisation", bytesToHex(key.publicKey))).toBe(expected);
  });

  it("differs by kind, so a device key cannot pass for an organisation's", () => {
    const hashes = new Set(
      (["device", "organisation", "attester"] as const).map((k) => keyMetadataHash(k, key.publicKey)),
    );
    expect(hashes.size).toBe(3);
  });

  it("refuses an uncompressed key and an unknown kind", () => {
    expect(() => keyMetadataHash("device", new Uint8Array(65))).toThrow(/33 bytes/);
    expect(() => keyMetadataHash("sensor" as "device", key.publicKey)).toThrow(/unknown registry key kind/);
  });
});

describe("judgeKeyState", () => {
  const at = (anchoredAt: number) => ({ kind: "device" as const, publicKey: key.publicKey, anchoredAt });

  it("accepts a key registered and not revoked when the message was anchored", () => {
    expect(judgeKeyState(record(), at(2_000))).toMatchObject({ ok: true, state: "active" });
  });

  it("accepts a key revoked after the anchoring", () => {
    const verdict = judgeKeyState(record({ revokedAt: 3_000 }), at(2_000));
    expect(verdict).toMatchObject({ ok: true, state: "active" });
    expect(verdict.detail).toMatch(/after the anchoring/);
  });

  it("refuses a message anchored at or after its key's revocation", () => {
    expect(judgeKeyState(record({ revokedAt: 2_000 }), at(2_000))).toMatchObject({
      ok: false,
      state: "revoked-before",
    });
    expect(judgeKeyState(record({ revokedAt: 1_500 }), at(2_000)).ok).toBe(false);
  });

  it("accepts a registration that reached the chain after the anchoring, and says so (registrar lag)", () => {
    const verdict = judgeKeyState(record({ registeredAt: 5_000 }), at(2_000));
    expect(verdict.ok).toBe(true);
    expect(verdict.detail).toMatch(/registrar lag/);
  });

  it("refuses a key never registered, or registered as another kind", () => {
    expect(judgeKeyState(record({ registeredAt: 0 }), at(2_000)).state).toBe("never-registered");
    const asOrganisation = keyMetadataHash("organisation", key.publicKey);
    expect(judgeKeyState(record({ metadataHash: asOrganisation }), at(2_000)).state).toBe("wrong-metadata");
  });
});
