import { describe, expect, it } from "@jest/globals";
import { exampleBundle, fakeChain, includedAnchor, notOnChainAnchor } from "../testing/index.ts";
import type { AnchorChain } from "./anchorChain.ts";
import { formatReport } from "./formatReport.ts";
import type { MinStatus } from "./types.ts";
import { verifyBundle } from "./verifyBundle.ts";

async function verifyWith(
  bundle: ReturnType<typeof exampleBundle>,
  chains: Record<string, AnchorChain>,
  minStatus: MinStatus = "included",
) {
  return verifyBundle(JSON.stringify(bundle), {
    source: "bundle.json",
    rpcUrls: Object.keys(chains),
    minStatus,
    connect: async (url) => chains[url]!,
  });
}

describe("verifyBundle (with a fake chain)", () => {
  it("is valid when the offline checks pass and the included anchor is confirmed on chain", async () => {
    const bundle = exampleBundle();
    const chain = fakeChain(bundle.merkle!.root);
    const report = await verifyWith(bundle, { "http://rpc.example": chain });
    expect(report.valid).toBe(true);
    expect(report.verdict.status).toBe("valid");
    expect(report.verdict.summary).toMatch(
      /^anchored on chain 31337 in block 12 at 2023-11-14T22:30:00.000Z \(status included, 5 confirmation\(s\)\)$/,
    );
    expect(report.anchors[0]).toMatchObject({ result: "verified", confirmations: 5 });
    expect(chain.closed).toBe(true);
    expect(formatReport(report)).toMatch(/^VALID — anchored on chain 31337/m);
  });

  it("is not valid with --min-status final while the anchor is only included", async () => {
    const bundle = exampleBundle();
    const report = await verifyWith(
      bundle,
      { "http://rpc.example": fakeChain(bundle.merkle!.root) },
      "final",
    );
    expect(report.valid).toBe(false);
    expect(report.verdict).toEqual({
      status: "not-anchored",
      summary: "anchored (status included) but not final yet: fetch a fresh bundle later",
    });
  });

  it("is valid with --min-status final when the anchor is final", async () => {
    const bundle = exampleBundle([includedAnchor({ status: "final" })]);
    const report = await verifyWith(
      bundle,
      { "http://rpc.example": fakeChain(bundle.merkle!.root) },
      "final",
    );
    expect(report.valid).toBe(true);
  });

  it("is valid when one anchor is verified and the others are not on chain yet", async () => {
    const bundle = exampleBundle([includedAnchor(), { ...notOnChainAnchor("submitted"), chainId: 10 }]);
    const report = await verifyWith(bundle, { "http://rpc.example": fakeChain(bundle.merkle!.root) });
    expect(report.valid).toBe(true);
    expect(report.anchors.map((a) => a.result)).toEqual(["verified", "not-anchored"]);
  });

  it("is invalid when the chain contradicts one of two included anchors", async () => {
    const bundle = exampleBundle([includedAnchor(), includedAnchor({ blockTimestamp: 1 })]);
    const report = await verifyWith(bundle, { "http://rpc.example": fakeChain(bundle.merkle!.root) });
    expect(report.verdict.status).toBe("invalid");
    expect(report.verdict.summary).toMatch(/^anchor 2 \(chain 31337\): /);
  });

  it("is unverified when an included anchor's chain has no --rpc endpoint, and checks each anchor on its own chain", async () => {
    const bundle = exampleBundle([includedAnchor(), includedAnchor({ chainId: 10 })]);
    const report = await verifyWith(bundle, { "http://rpc.example": fakeChain(bundle.merkle!.root) });
    expect(report.verdict.status).toBe("unverified");
    expect(report.anchors[1]?.checks).toEqual([
      {
        name: "chain id",
        ok: false,
        detail: "no --rpc endpoint serves chain 10 (given: chain 31337 at fake://chain)",
      },
    ]);
    const both = await verifyWith(bundle, {
      "http://a.example": fakeChain(bundle.merkle!.root),
      "http://b.example": fakeChain(bundle.merkle!.root, { chainId: 10n }),
    });
    expect(both.valid).toBe(true);
  });

  it("is not verified, naming both genesis hashes, when the receipt is missing and block 0 differs from the anchor's genesisHash", async () => {
    const bundle = exampleBundle([includedAnchor({ genesisHash: `0x${"0a".repeat(32)}` })]);
    const chain = fakeChain(bundle.merkle!.root, { receipt: null, genesisHash: `0x${"0b".repeat(32)}` });
    const report = await verifyWith(bundle, { "http://rpc.example": chain });
    expect(report.verdict.status).toBe("unverified");
    expect(report.verdict.summary).toBe(
      `could not check anchor 1 (chain 31337): the chain at fake://chain has a different genesis (0x${"0b".repeat(32)}) than the bundle's anchor (0x${"0a".repeat(32)}): the chain was reset or this is another network`,
    );
  });

  it("is invalid with 'no receipt' when block 0 is the anchor's genesis (same chain, unknown transaction)", async () => {
    const genesisHash = `0x${"0a".repeat(32)}` as const;
    const bundle = exampleBundle([includedAnchor({ genesisHash })]);
    const chain = fakeChain(bundle.merkle!.root, { receipt: null, genesisHash });
    const report = await verifyWith(bundle, { "http://rpc.example": chain });
    expect(report.verdict.status).toBe("invalid");
    expect(report.anchors[0]!.checks.map((c) => [c.name, c.ok])).toContainEqual(["genesis", true]);
    expect(report.verdict.summary).toMatch(/transaction: no receipt for 0xabab/);
  });
});
