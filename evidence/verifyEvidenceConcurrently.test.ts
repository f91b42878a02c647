// The verifier's speed-ups must not change what it finds: anchors read while signatures are checked, each
// chain read sent once per endpoint, signatures handed to a batch verifier (the page's helper workers).
import { describe, expect, it } from "@jest/globals";
import { bytesToHex, decodeReading, type Hex, nobleVerifier, type SignatureVerifier } from "#protocol";
import { ROOT_ANCHORED_TOPIC } from "../cli/verify/anchorAbi.ts";
import type { AnchorChain, ChainReceipt } from "../cli/verify/anchorChain.ts";
import { base64ToBytes } from "./base64.ts";
import { buildEvidencePackage } from "./buildEvidencePackage.ts";
import type { EvidenceEndpoint } from "./checkEvidenceAnchors.ts";
import type { EvidencePackage } from "./evidencePackage.ts";
import { memoizedAnchorChain } from "./memoizedAnchorChain.ts";
import { deviceContent, exampleEvidenceDevice, exampleReadings, memoryEvidenceSource } from "./testing.ts";
import { verifyEvidencePackage } from "./verifyEvidencePackage.ts";

const T0 = Date.parse("2026-06-01T00:00:00Z");
const CONTRACT = "0x00000000000000000000000000000000000a11ce" as Hex;
const ours = exampleEvidenceDevice("ours");
const theirs = exampleEvidenceDevice("theirs");
const word = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
/** Batches 1–3 anchored in one transaction (block 10), the others in a second one (block 11). */
const txOf = (batchId: number) => ({
  txHash: (batchId <= 3 ? `0x${"aa".repeat(32)}` : `0x${"bb".repeat(32)}`) as Hex,
  blockNumber: batchId <= 3 ? 10 : 11,
  blockTimestamp: batchId <= 3 ? 1_780_000_000 : 1_780_000_012,
});

/** 60 readings of ours among 300 of another device, batches of 64, each batch anchored final. */
async function anchoredExample(): Promise<EvidencePackage> {
  const a = exampleReadings(ours, 60, T0);
  const b = exampleReadings(theirs, 300, T0);
  const mixed = b.flatMap((r, i) => (i % 5 === 0 && a[i / 5] ? [a[i / 5]!, r] : [r]));
  const source = memoryEvidenceSource(mixed, [ours, theirs], 64, (batchId) => [
    { chainId: 31337, contract: CONTRACT, status: "final", ...txOf(batchId) },
  ]);
  return buildEvidencePackage(deviceContent(ours.address, a, T0, T0 + 59 * 60_000), source);
}

type Reads = Record<string, number>;

/** A chain that confirms exactly the package's anchors, counting its reads by method. */
function fakeChain(pkg: EvidencePackage, reads: Reads, onRead: () => void = () => {}): AnchorChain {
  const anchors = pkg.batches.map((b) => ({ root: b.root.toLowerCase(), ...b.anchors[0]! }));
  const count = (method: string) => {
    onRead();
    reads[method] = (reads[method] ?? 0) + 1;
  };
  return {
    label: "fake",
    chainId: 31337n,
    async getTransactionReceipt(txHash) {
      count("receipt");
      const mine = anchors.filter((a) => a.txHash === txHash);
      if (mine.length === 0) return null;
      const receipt: ChainReceipt = {
        status: 1,
        blockNumber: mine[0]!.blockNumber!,
        blockHash: word(mine[0]!.blockNumber!),
        logs: mine.map((a) => ({
          address: CONTRACT,
          topics: [ROOT_ANCHORED_TOPIC, a.root, word(1)],
          data: word(a.blockTimestamp!),
        })),
      };
      return receipt;
    },
    async getBlock(blockNumber) {
      count("block");
      const a = anchors.find((x) => x.blockNumber === blockNumber);
      return a ? { hash: word(blockNumber), timestamp: a.blockTimestamp! } : null;
    },
    async getBlockNumber() {
      count("head");
      return 20;
    },
    async anchoredAt(_contract, root) {
      count("anchoredAt");
      return BigInt(anchors.find((a) => a.root === root.toLowerCase())?.blockTimestamp ?? 0);
    },
    close: () => {},
  };
}

const endpoint = (chain: AnchorChain): EvidenceEndpoint => ({ label: chain.label, open: async () => chain });

describe("verifyEvidencePackage, concurrently", () => {
  it("reads the anchors from the chain while the signatures are still being checked", async () => {
    const pkg = await anchoredExample();
    let checked = 0;
    let checkedAtFirstRead: number | null = null;
    const slow: SignatureVerifier = {
      name: "slow noble",
      verify(digest, signature, key) {
        checked++;
        const until = performance.now() + 1; // 60 readings take longer than one slice of the loop
        while (performance.now() < until);
        return nobleVerifier.verify(digest, signature, key);
      },
    };
    const chain = fakeChain(pkg, {}, () => {
      checkedAtFirstRead ??= checked;
    });
    const { report } = await verifyEvidencePackage(pkg, { verifier: slow, endpoints: [endpoint(chain)] });
    expect(report.status).toBe("valid");
    expect(report.anchors.every((a) => a.result === "verified")).toBe(true);
    expect(checked).toBe(60);
    expect(checkedAtFirstRead).not.toBeNull();
    expect(checkedAtFirstRead!).toBeLessThan(60);
  });

  it("asks each endpoint once for a shared receipt, block and head, however many batches share them", async () => {
    const pkg = await anchoredExample();
    expect(pkg.batches.length).toBeGreaterThanOrEqual(5);
    const one: Reads = {};
    const two: Reads = {};
    const chains = [fakeChain(pkg, one), { ...fakeChain(pkg, two), label: "fake two" }];
    const { report } = await verifyEvidencePackage(pkg, {
      verifier: nobleVerifier,
      endpoints: chains.map(endpoint),
    });
    expect(report.status).toBe("valid");
    expect(report.anchors[0]!.endpoints.map((e) => e.label)).toEqual(["fake", "fake two"]);
    for (const reads of [one, two])
      expect(reads).toEqual({ receipt: 2, block: 2, head: 1, anchoredAt: pkg.batches.length });
  });

  it("fails a reading whose signature a batch verifier refuses, in the same words as on this thread", async () => {
    const pkg = await anchoredExample();
    // One reading of the second batch is refused, whichever path checks it.
    const refusedDigest = bytesToHex(decodeReading(base64ToBytes(pkg.batches[1]!.readings[0]!)!).digest);
    const refusing = (digest: Uint8Array, signature: Uint8Array, key: Uint8Array) =>
      bytesToHex(digest) !== refusedDigest && nobleVerifier.verify(digest, signature, key);
    const inline = await verifyEvidencePackage(pkg, {
      verifier: { name: "refusing", verify: refusing },
      endpoints: [endpoint(fakeChain(pkg, {}))],
    });
    const jobsSeen: number[] = [];
    const batched = await verifyEvidencePackage(pkg, {
      verifier: nobleVerifier,
      batchVerifier: async (jobs) => {
        jobsSeen.push(jobs.length);
        return jobs.map((j) => refusing(j.digest, j.signature, j.publicKey));
      },
      endpoints: [endpoint(fakeChain(pkg, {}))],
    });
    expect(jobsSeen.reduce((a, b) => a + b, 0)).toBe(60);
    expect(inline.report.status).toBe("invalid");
    // The refused reading, and the gap it leaves in the sensor's record.
    expect(inline.report.failures.map((f) => f.check)).toEqual(["signature", "completeness"]);
    expect(inline.report.failures[0]!.detail).toMatch(/^BAD_SIGNATURE/);
    expect(batched.report).toEqual(inline.report);
    expect(batched.readings.length).toBe(59);
  });
});

describe("memoizedAnchorChain", () => {
  it("sends a read once, and again after it failed", async () => {
    let calls = 0;
    const inner: AnchorChain = {
      label: "flaky",
      chainId: 1n,
      getTransactionReceipt: async () => null,
      getBlock: async () => null,
      async getBlockNumber() {
        if (++calls === 1) throw new Error("EXAMPLE down");
        return 7;
      },
      anchoredAt: async () => null,
      close: () => {},
    };
    const chain = memoizedAnchorChain(inner);
    await expect(chain.getBlockNumber()).rejects.toThrow("EXAMPLE down");
    expect(await Promise.all([chain.getBlockNumber(), chain.getBlockNumber()])).toEqual([7, 7]);
    expect(calls).toBe(2);
  });
});
