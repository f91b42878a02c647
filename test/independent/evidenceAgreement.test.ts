import { afterAll, beforeAll, describe, expect, it, jest } from "@jest/globals";
import {
  base64ToBytes,
  buildEvidencePackage,
  bytesToBase64,
  type EvidencePackage,
  type EvidenceReport,
  type EvidenceSource,
  verifyEvidencePackage,
} from "#evidence";
import { type Hex, nobleVerifier } from "#protocol";
import {
  deviceContent,
  exampleEvidenceDevice,
  exampleReadings,
  memoryEvidenceSource,
} from "../../evidence/testing.ts";
import { anchorRootsDirectly, type ChainFixture, startChainFixture } from "../anchoring/harness.ts";
import { type IndependentEvidenceReport, verifyEvidence } from "./verifyEvidence.mjs";

// The independent evidence verifier (verifyEvidence.mjs, written from docs/evidence.md) and #evidence's
// verifier must reach the same verdict, counts and failed checks on the same packages: an honest device
// window (offline and anchored on a real Hardhat chain) and a series of tampered copies.
jest.setTimeout(180_000);

const T0 = Date.parse("2026-07-01T00:00:00Z");
const MIN = 60_000;
const ours = exampleEvidenceDevice("independent ours");
const theirs = exampleEvidenceDevice("independent theirs");
const other = exampleEvidenceDevice("independent stranger");

/** 120 readings of ours among 120 of another device in batches of 40; the last `pending` not sealed yet. */
async function devicePackage(
  o: { skipSeq?: number; pending?: number; anchors?: Map<Hex, unknown> } = {},
): Promise<EvidencePackage> {
  const a = exampleReadings(ours, 120, T0, (i) => 4 + (i % 4));
  const b = exampleReadings(theirs, 120, T0);
  const mixed = a.flatMap((r, i) => [r, b[i]!]);
  const base = memoryEvidenceSource(mixed, [ours, theirs], 40, (_id, root) =>
    o.anchors?.has(root) ? [o.anchors.get(root) as never] : [],
  );
  const unsealed = new Set(a.slice(a.length - (o.pending ?? 0)).map((r) => r.id));
  const source: EvidenceSource = {
    ...base,
    reading: async (id) => {
      const r = await base.reading(id);
      return r && (unsealed.has(id) ? { ...r, batchId: null } : r);
    },
  };
  const kept = a.filter((_, i) => i + 1 !== o.skipSeq);
  return buildEvidencePackage(deviceContent(ours.address, kept, T0 + 5 * MIN, T0 + 115 * MIN), source);
}

const clone = (p: EvidencePackage): EvidencePackage => JSON.parse(JSON.stringify(p));
const checks = (failures: { check: string }[]) => [...new Set(failures.map((f) => f.check))].sort();

/** What both must agree on. */
function summary(r: EvidenceReport | IndependentEvidenceReport) {
  const complete = "journey" in r ? (r.journey?.complete ?? null) : r.complete;
  return {
    status: r.status,
    readings: r.readings,
    batches: r.batches,
    complete,
    checks: checks(r.failures),
    anchors: [...r.anchors.map((a) => a.result)].sort(),
  };
}

async function both(pkg: unknown, rpcUrls: string[] = []) {
  const ourReport = (
    await verifyEvidencePackage(JSON.parse(JSON.stringify(pkg)), {
      verifier: nobleVerifier,
      rpcUrls,
      rpcTimeoutMs: 5_000,
    })
  ).report;
  const independent = await verifyEvidence(JSON.parse(JSON.stringify(pkg)), { rpcUrls });
  return { ours: summary(ourReport), independent: summary(independent) };
}

function flipByte(text: string, fromEnd: number): string {
  const raw = base64ToBytes(text)!;
  raw[raw.length - fromEnd] = raw[raw.length - fromEnd]! ^ 0x01;
  return bytesToBase64(raw);
}

let honest: EvidencePackage;
beforeAll(async () => {
  honest = await devicePackage({ pending: 2 });
});

describe("the independent evidence verifier agrees with #evidence's (offline)", () => {
  it("on an honest device window: every reading verified, complete, not anchored yet", async () => {
    const { ours: a, independent: b } = await both(honest);
    expect(a.status).toBe("not-anchored");
    expect(a.readings).toEqual({ total: 120, verified: 118, pending: 2 });
    expect(a.complete).toBe(true);
    expect(b).toEqual(a);
  });

  const mutations: [string, (p: EvidencePackage) => void, string[]][] = [
    [
      "a reading's signed byte changed",
      (p) => (p.batches[1]!.readings[3] = flipByte(p.batches[1]!.readings[3]!, 67)),
      ["multiproof", "signature"],
    ],
    [
      "a reading's signature changed",
      (p) => (p.batches[0]!.readings[0] = flipByte(p.batches[0]!.readings[0]!, 5)),
      ["multiproof", "signature"],
    ],
    ["a reading taken out of its batch", (p) => p.batches[1]!.readings.splice(2, 1), ["multiproof"]],
    [
      "a reading moved to the next batch",
      (p) => p.batches[1]!.readings.push(p.batches[0]!.readings.pop()!),
      ["multiproof"],
    ],
    [
      "a hidden id added to a batch",
      (p) => p.batches[0]!.hidden.push(`0x${"ab".repeat(32)}`),
      ["multiproof"],
    ],
    [
      "a multiproof flag flipped",
      (p) => (p.batches[2]!.flags = p.batches[2]!.flags.replace(/^./, (f) => (f === "0" ? "1" : "0"))),
      ["multiproof"],
    ],
    ["a multiproof hash changed", (p) => (p.batches[2]!.proof[0] = `0x${"00".repeat(32)}`), ["multiproof"]],
    [
      "the device's key swapped for another's",
      (p) =>
        (p.keys.devices.find((k) => k.address === ours.address)!.publicKey =
          `0x${Buffer.from(other.publicKey).toString("hex")}` as Hex),
      ["key"],
    ],
    ["the server's claim of completeness reversed", (p) => (p.claimed.complete = false), ["completeness"]],
    [
      "a pending reading's byte changed",
      (p) => (p.pending.readings[0] = flipByte(p.pending.readings[0]!, 67)),
      ["signature"],
    ],
    ["another format", (p) => ((p as { format: string }).format = "sealtrail-evidence-v2"), ["format"]],
    [
      "base64 with a line break",
      (p) =>
        (p.batches[0]!.readings[0] =
          `${p.batches[0]!.readings[0]!.slice(0, 20)}\n${p.batches[0]!.readings[0]!.slice(20)}`),
      ["format"],
    ],
  ];
  it.each(mutations)("when %s, both fail it with the same checks", async (_name, mutate, expected) => {
    const bad = clone(honest);
    mutate(bad);
    const { ours: a, independent: b } = await both(bad);
    expect(a.status).toBe("invalid");
    expect(a.checks).toEqual(expect.arrayContaining(expected));
    expect(b).toEqual(a);
  });

  it("when the server leaves a reading out and says so, both call it incomplete but not invalid", async () => {
    const gap = await devicePackage({ skipSeq: 60 });
    gap.claimed.complete = false;
    const { ours: a, independent: b } = await both(gap);
    expect(a).toMatchObject({ status: "not-anchored", complete: false, checks: [] });
    expect(b).toEqual(a);
  });
});

describe("the independent evidence verifier agrees with #evidence's on a real chain", () => {
  let fx: ChainFixture;
  let anchored: EvidencePackage;
  beforeAll(async () => {
    fx = await startChainFixture();
    const unanchored = await devicePackage();
    const records = await anchorRootsDirectly(
      fx,
      unanchored.batches.map((b) => b.root),
      { perTransaction: 2 },
    );
    anchored = await devicePackage({ anchors: records });
  });
  afterAll(async () => {
    await fx?.stop();
  });

  it("on the anchored package: valid, every anchor verified", async () => {
    const { ours: a, independent: b } = await both(anchored, [fx.chain.rpcUrl]);
    expect(a.status).toBe("valid");
    expect(a.anchors.every((x) => x === "verified")).toBe(true);
    expect(b).toEqual(a);
  });

  it.each([
    ["a block number", (p: EvidencePackage) => (p.batches[0]!.anchors[0]!.blockNumber! += 1)],
    ["a block timestamp", (p: EvidencePackage) => (p.batches[1]!.anchors[0]!.blockTimestamp! += 1)],
    [
      "a transaction hash",
      (p: EvidencePackage) => (p.batches[2]!.anchors[0]!.txHash = p.batches[0]!.anchors[0]!.txHash),
    ],
  ])("when %s is wrong, both fail the anchor", async (_name, mutate) => {
    const bad = clone(anchored);
    mutate(bad);
    const { ours: a, independent: b } = await both(bad, [fx.chain.rpcUrl]);
    expect(a).toMatchObject({ status: "invalid", checks: ["anchor"] });
    expect(b).toEqual(a);
  });

  it("when the endpoint knows no such transaction and has another genesis, both say it could not check the anchor", async () => {
    const bad = clone(anchored);
    bad.batches[0]!.anchors[0]!.txHash = `0x${"22".repeat(32)}` as Hex;
    bad.batches[0]!.anchors[0]!.genesisHash = `0x${"11".repeat(32)}` as Hex;
    const { ours: a, independent: b } = await both(bad, [fx.chain.rpcUrl]);
    expect(a.status).toBe("unverified");
    expect(b).toEqual(a);
  });

  it("when the RPC endpoint is down, both say the anchors could not be checked", async () => {
    const { ours: a, independent: b } = await both(anchored, ["http://127.0.0.1:9"]);
    expect(a.status).toBe("unverified");
    expect(b).toEqual(a);
  });
});
