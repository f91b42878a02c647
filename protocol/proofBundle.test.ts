import { readFileSync } from "node:fs";
import { describe, expect, it } from "@jest/globals";
import {
  bytesToHex,
  deviceIdentityFromPrivateKey,
  GENESIS_PREV,
  type Hex,
  keccak256,
  MessageMerkleTree,
  nobleVerifier,
  type ProofBundle,
  parseProofBundle,
  proofBundleSchema,
  readingToJson,
  signReading,
  verifyProofBundleOffline,
} from "#protocol";

const device = deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode("EXAMPLE key bundle device")));

function makeBundle(): ProofBundle {
  // seq 1 carries the zero prev; the other two an arbitrary non-zero one (the chain is not checked here).
  const prevOf = (seq: number) => (seq === 1 ? GENESIS_PREV : GENESIS_PREV.map(() => seq));
  const readings = [1, 2, 3].map((seq) =>
    signReading(device, { v: 1, seq, ts: 1000 * seq, prev: prevOf(seq), m: { temp_c: seq } }),
  );
  const tree = MessageMerkleTree.build(readings.map((r) => r.messageId));
  const r = readings[1]!;
  return {
    format: "sealtrail-proof-v1",
    message: bytesToHex(r.message),
    messageId: r.messageId,
    device: device.address,
    publicKey: bytesToHex(device.publicKey),
    reading: readingToJson({ v: 1, seq: 2, ts: 2000, prev: GENESIS_PREV.map(() => 2), m: { temp_c: 2 } }),
    merkle: { root: tree.root, proof: tree.getProof(r.messageId), leafEncoding: "oz-standard-v1:bytes32" },
    anchors: [
      {
        chainId: 31337,
        contract: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
        txHash: null,
        blockNumber: null,
        blockTimestamp: null,
        status: "sealed",
      },
    ],
  };
}

describe("proof bundle sealtrail-proof-v1", () => {
  it("keeps docs/schemas/sealtrail-proof-v1.schema.json equal to the schema in code", () => {
    const onDisk = JSON.parse(
      readFileSync(new URL("../docs/schemas/sealtrail-proof-v1.schema.json", import.meta.url), "utf8"),
    );
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(proofBundleSchema)));
  });

  it("accepts a well-formed bundle and all its offline checks pass", () => {
    const bundle = parseProofBundle(JSON.parse(JSON.stringify(makeBundle())));
    const checks = verifyProofBundleOffline(bundle, nobleVerifier);
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ["message id", true],
      ["device key", true],
      ["signature", true],
      ["merkle proof", true],
    ]);
  });

  it("refuses unknown formats and bundles that do not match the schema", () => {
    expect(() => parseProofBundle({ ...makeBundle(), format: "sealtrail-proof-v2" })).toThrow(
      /unsupported bundle format/,
    );
    expect(() => parseProofBundle({ ...makeBundle(), messageId: "0x12" })).toThrow(/schema/);
    expect(() => parseProofBundle({ ...makeBundle(), extra: 1 })).toThrow(/schema/);
    const badStatus = makeBundle();
    (badStatus.anchors[0] as { status: string }).status = "anchored";
    expect(() => parseProofBundle(badStatus)).toThrow(/schema/);
  });

  it.each([
    ["message", "message id"],
    ["publicKey", "device key"],
    ["proof", "merkle proof"],
  ] as const)("fails the checks when one byte of the %s changes", (field, failing) => {
    const bundle = makeBundle();
    const flip = (hex: Hex): Hex => `${hex.slice(0, -2)}${hex.endsWith("00") ? "01" : "00"}` as Hex;
    if (field === "message") bundle.message = flip(bundle.message);
    if (field === "publicKey") bundle.publicKey = flip(bundle.publicKey);
    if (field === "proof") bundle.merkle!.proof[0] = flip(bundle.merkle!.proof[0]!);
    const failed = verifyProofBundleOffline(bundle, nobleVerifier)
      .filter((c) => !c.ok)
      .map((c) => c.name);
    expect(failed).toContain(failing);
  });

  it("reports a pending bundle (no batch yet) as failing only the Merkle check", () => {
    const bundle = { ...makeBundle(), merkle: null };
    const failed = verifyProofBundleOffline(parseProofBundle(bundle), nobleVerifier).filter((c) => !c.ok);
    expect(failed.map((c) => c.name)).toEqual(["merkle proof"]);
    expect(failed[0]!.detail).toMatch(/pending/);
  });
});
