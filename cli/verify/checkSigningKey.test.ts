import { describe, expect, it } from "@jest/globals";
import {
  bytesToHex,
  deviceIdentityFromPrivateKey,
  type Hex,
  keccak256,
  keyMetadataHash,
  type RegistryKeyRecord,
} from "#protocol";
import type { AnchorChain } from "./anchorChain.ts";
import { checkSigningKey, type SigningKeyClaim } from "./checkSigningKey.ts";
import type { AnchorVerification } from "./types.ts";

const key = deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode("EXAMPLE signing key check")));
const REGISTRY = `0x${"ab".repeat(20)}` as Hex;
const ZERO = `0x${"00".repeat(20)}` as Hex;

const claim = (kind: SigningKeyClaim["kind"], over: Partial<SigningKeyClaim> = {}): SigningKeyClaim => ({
  registry: { chainId: 31337, contract: REGISTRY, key: key.address, kind },
  signer: key.address,
  publicKey: bytesToHex(key.publicKey),
  kind,
  ...over,
});
const anchor = (blockTimestamp: number, result: AnchorVerification["result"] = "verified") =>
  ({ result, blockTimestamp }) as AnchorVerification;
const chainWith = (record: RegistryKeyRecord | null | Error): AnchorChain =>
  ({
    label: "http://rpc.example",
    chainId: 31337n,
    keyRecord: async () => {
      if (record instanceof Error) throw record;
      return record;
    },
  }) as unknown as AnchorChain;
const registered = (kind: SigningKeyClaim["kind"], revokedAt = 0): RegistryKeyRecord => ({
  registeredAt: 1_000,
  revokedAt,
  rotatedFrom: ZERO,
  rotatedTo: ZERO,
  metadataHash: keyMetadataHash(kind, key.publicKey),
});

describe("checkSigningKey", () => {
  it("verifies an attester key at the earliest verified anchor, ignoring unverified ones", async () => {
    const result = await checkSigningKey(
      claim("attester"),
      [anchor(900, "unchecked"), anchor(3_000), anchor(2_000)],
      [chainWith(registered("attester", 2_500))],
      true,
    );
    expect(result).toMatchObject({ result: "verified", record: { revokedAt: 2_500 } });
  });

  it("fails an organisation-signed event whose key the registry holds as a device key", async () => {
    const result = await checkSigningKey(
      claim("organisation"),
      [anchor(2_000)],
      [chainWith(registered("device"))],
      true,
    );
    expect(result).toMatchObject({ result: "failed", detail: expect.stringMatching(/metadata/) });
  });

  it("fails a registry section that names another key or another kind than the bundle's", async () => {
    const other = `0x${"cd".repeat(20)}` as Hex;
    const named = claim("device");
    expect((await checkSigningKey({ ...named, signer: other }, [anchor(2_000)], [], true)).result).toBe(
      "failed",
    );
    const mislabelled = { ...claim("device"), kind: "organisation" as const };
    expect((await checkSigningKey(mislabelled, [anchor(2_000)], [], true)).detail).toMatch(
      /kind device, the bundle says organisation/,
    );
  });

  it("leaves the key unchecked, saying why, without an anchor, an RPC, an endpoint of its chain, or when the RPC fails", async () => {
    expect((await checkSigningKey(claim("device"), [], [], true)).detail).toMatch(/no anchor was verified/);
    expect((await checkSigningKey(claim("device"), [anchor(2_000)], [], false)).detail).toMatch(/--rpc/);
    expect((await checkSigningKey(claim("device"), [anchor(2_000)], [], true)).detail).toMatch(
      /no --rpc endpoint serves chain 31337/,
    );
    const failing = await checkSigningKey(
      claim("device"),
      [anchor(2_000)],
      [chainWith(new Error("EXAMPLE timeout"))],
      true,
    );
    expect(failing).toMatchObject({ result: "unchecked", detail: expect.stringMatching(/EXAMPLE timeout/) });
  });

  it("says 'absent' for a bundle that names no registry", async () => {
    const result = await checkSigningKey(claim("device", { registry: undefined }), [anchor(2_000)], [], true);
    expect(result).toMatchObject({
      result: "absent",
      registry: null,
      detail: expect.stringMatching(/^not checked/),
    });
  });
});
