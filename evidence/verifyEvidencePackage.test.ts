import { describe, expect, it } from "@jest/globals";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { bytesToHex, compareBytes, hexToBytes, merkleLeafHash, messageIdOf, nobleVerifier } from "#protocol";
import { base64ToBytes, bytesToBase64 } from "./base64.ts";
import { buildEvidencePackage } from "./buildEvidencePackage.ts";
import type { EvidencePackage } from "./evidencePackage.ts";
import { deviceContent, exampleEvidenceDevice, exampleReadings, memoryEvidenceSource } from "./testing.ts";
import { verifyEvidencePackage } from "./verifyEvidencePackage.ts";

const T0 = Date.parse("2026-06-01T00:00:00Z");
const ours = exampleEvidenceDevice("ours");
const theirs = exampleEvidenceDevice("theirs");

/** 60 readings of ours interleaved with 300 of another device, in batches of 64: a device window package. */
async function example(): Promise<EvidencePackage> {
  const a = exampleReadings(ours, 60, T0);
  const b = exampleReadings(theirs, 300, T0);
  const mixed = b.flatMap((r, i) => (i % 5 === 0 && a[i / 5] ? [a[i / 5]!, r] : [r]));
  const source = memoryEvidenceSource(mixed, [ours, theirs], 64);
  return buildEvidencePackage(deviceContent(ours.address, a, T0, T0 + 59 * 60_000), source);
}
const clone = (p: EvidencePackage): EvidencePackage => JSON.parse(JSON.stringify(p));

describe("buildEvidencePackage", () => {
  it("shares one multiproof per batch that OpenZeppelin's StandardMerkleTree.verifyMultiProof accepts", async () => {
    const pkg = await example();
    expect(pkg.batches.length).toBeGreaterThan(1);
    for (const batch of pkg.batches) {
      const ids = batch.readings.map((r) => messageIdOf(base64ToBytes(r)!));
      // The leaves in the order the document says: leaf hash ascending.
      const ordered = ids
        .map((id) => ({ id, leaf: merkleLeafHash(hexToBytes(id, 32)) }))
        .sort((x, y) => compareBytes(x.leaf, y.leaf))
        .map((x) => [x.id]);
      const proofFlags = [...batch.flags].map((f) => f === "1");
      expect(
        StandardMerkleTree.verifyMultiProof(batch.root, ["bytes32"], {
          leaves: ordered,
          proof: batch.proof,
          proofFlags,
        }),
      ).toBe(true);
    }
  });

  it("needs fewer hashes than one Merkle path per reading", async () => {
    const pkg = await example();
    const pathHashes = pkg.batches.reduce((n, b) => n + b.readings.length * Math.ceil(Math.log2(64)), 0);
    const multiHashes = pkg.batches.reduce((n, b) => n + b.proof.length, 0);
    expect(multiHashes).toBeLessThan(pathHashes);
  });
});

describe("verifyEvidencePackage (offline)", () => {
  it("verifies every reading and proof and recomputes completeness; without anchors it is not anchored, not valid", async () => {
    const progress: string[] = [];
    const { report, readings } = await verifyEvidencePackage(await example(), {
      verifier: nobleVerifier,
      onProgress: (p) => progress.push(p.phase),
    });
    expect(report.failures).toEqual([]);
    expect(report.readings).toEqual({ total: 60, verified: 60, pending: 0 });
    expect(report.journey?.complete).toBe(true);
    expect(report.status).toBe("not-anchored");
    expect(report.summary).toMatch(/^60 of 60 readings and 0 of 0 events verified; not anchored yet/);
    expect(readings[0]!.reading.m.temp_c).toBe(5);
    expect(new Set(progress)).toEqual(new Set(["signatures", "proofs", "anchors", "journey"]));
  });

  it("fails a package whose one reading's temperature was changed, naming the signature and the batch proof", async () => {
    const pkg = clone(await example());
    const raw = base64ToBytes(pkg.batches[0]!.readings[3]!)!;
    const at = raw.length - 64 - 2 - 1; // the payload's last byte (before the signature's 58 40 head): the temperature
    raw[at] = raw[at]! ^ 0x01;
    pkg.batches[0]!.readings[3] = bytesToBase64(raw);
    const { report } = await verifyEvidencePackage(pkg, { verifier: nobleVerifier });
    expect(report.status).toBe("invalid");
    expect(report.failures.map((f) => f.check)).toEqual(expect.arrayContaining(["signature", "multiproof"]));
    expect(report.summary).toMatch(/verification FAILED/);
  });

  it("fails a batch missing one multiproof leaf, saying a leaf is missing", async () => {
    const pkg = clone(await example());
    pkg.batches[1]!.readings.pop();
    const { report } = await verifyEvidencePackage(pkg, { verifier: nobleVerifier });
    const failure = report.failures.find((f) => f.check === "multiproof");
    expect(failure?.detail).toMatch(/a leaf is missing/);
    // The batch's other readings are not counted as verified: their proof failed.
    expect(report.readings.verified).toBeLessThan(report.readings.total);
  });

  it("fails a reading signed by a key the package does not carry, and a key that is not its address's", async () => {
    const pkg = clone(await example());
    pkg.keys.devices[0]!.publicKey = bytesToHex(theirs.publicKey);
    const { report } = await verifyEvidencePackage(pkg, { verifier: nobleVerifier });
    expect(report.failures[0]).toMatchObject({
      check: "key",
      detail: "the public key is not this address's",
    });
    expect(report.failures.some((f) => f.check === "key" && /no key of device/.test(f.detail))).toBe(true);
  });

  it("refuses another format and a malformed package as invalid, naming the path", async () => {
    const other = await verifyEvidencePackage(
      { format: "sealtrail-evidence-v2" },
      { verifier: nobleVerifier },
    );
    expect(other.report.summary).toMatch(/UNSUPPORTED_FORMAT/);
    const pkg = clone(await example()) as unknown as { batches: { flags: string }[] };
    pkg.batches[0]!.flags = "012";
    const bad = await verifyEvidencePackage(pkg, { verifier: nobleVerifier });
    expect(bad.report.status).toBe("invalid");
    expect(bad.report.summary).toMatch(/\/batches\/0\/flags/);
  });

  it("calls a window with a missing reading incomplete, against the server's claim", async () => {
    const a = exampleReadings(ours, 30, T0);
    const kept = a.filter((_, i) => i !== 10);
    const source = memoryEvidenceSource(kept, [ours], 16);
    const pkg = await buildEvidencePackage(deviceContent(ours.address, kept, T0, T0 + 29 * 60_000), source);
    const { report } = await verifyEvidencePackage(pkg, { verifier: nobleVerifier });
    expect(report.journey?.complete).toBe(false);
    expect(report.journey?.sensors[0]?.gaps.map((g) => g.reason)).toEqual(["missing-seq"]);
    expect(report.failures).toEqual([
      expect.objectContaining({
        check: "completeness",
        detail: "the server claims true, the verified evidence shows false",
      }),
    ]);
  });
});

describe("base64", () => {
  it("round-trips every length and refuses non-canonical text", () => {
    for (let n = 0; n < 70; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      const text = bytesToBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString("base64"));
      expect(base64ToBytes(text)).toEqual(bytes);
    }
    expect(base64ToBytes("QR==")).toBeNull(); // unused bits set
    expect(base64ToBytes("QQ")).toBeNull(); // no padding
    expect(base64ToBytes("Q=Q=")).toBeNull();
  });
});
