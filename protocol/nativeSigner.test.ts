import { describe, expect, it } from "@jest/globals";
import fc from "fast-check";
import { nativeSignDigest } from "#protocol/native";
import { signAttestedEvent } from "./eventMessageSign.ts";
import { keccak256 } from "./hashes.ts";
import { deviceIdentityFromPrivateKey } from "./identity.ts";
import { signDigest } from "./nobleVerifier.ts";

describe("nativeSignDigest (libsecp256k1)", () => {
  it("makes exactly noble's RFC 6979 low-S signature for any key and digest", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (seed, digest) => {
          const { privateKey } = deviceIdentityFromPrivateKey(keccak256(seed));
          expect(Buffer.from(nativeSignDigest(digest, privateKey))).toEqual(
            Buffer.from(signDigest(digest, privateKey)),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it("gives an attested event the same bytes as the default signer", () => {
    const attester = deviceIdentityFromPrivateKey(
      keccak256(new TextEncoder().encode("EXAMPLE key native signer")),
    );
    const event = {
      type: "ObjectEvent",
      eventTime: "2026-01-05T10:00:00Z",
      eventTimeZoneOffset: "+00:00",
      action: "OBSERVE",
    };
    const native = signAttestedEvent(attester, "acme", event, nativeSignDigest);
    expect(native).toEqual(signAttestedEvent(attester, "acme", event));
  });
});
