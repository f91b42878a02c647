import { describe, expect, it } from "@jest/globals";
import { assessColdChain, DEFAULT_TEMPERATURE_PROFILE } from "#provenance";
import { pageVerdict, verificationLine } from "./pageVerdict.ts";
import type { AnchorCheck, ProductView } from "./productView.ts";

const MIN = 60_000;
const T0 = Date.parse("2026-01-05T08:00:00Z");
const temps = (values: number[]) => values.map((tempC, i) => ({ ts: T0 + i * MIN, tempC }));
const anchor = (over: Partial<AnchorCheck> = {}): AnchorCheck => ({
  chainId: 11155420,
  contract: "0x00000000000000000000000000000000000000aa",
  root: `0x${"ab".repeat(32)}`,
  blockNumber: 42,
  outcome: "confirmed",
  final: true,
  confirmations: 12,
  endpoints: [{ endpoint: "https://rpc.example/", outcome: "confirmed", blockNumber: 42, detail: null }],
  ...over,
});

function view(values: number[], over: Partial<ProductView["verification"]> = {}): ProductView {
  const temperatures = temps(values);
  const window = { from: T0, to: T0 + (values.length - 1) * MIN };
  return {
    item: { title: "Product", gtin: null, serial: null, lot: null, sscc: null },
    steps: [],
    temperatures,
    route: [],
    profile: DEFAULT_TEMPERATURE_PROFILE,
    coldChain: assessColdChain(temperatures, [], window, DEFAULT_TEMPERATURE_PROFILE),
    verification: {
      readings: { verified: values.length, total: values.length },
      events: { verified: 9, total: 9 },
      unanchored: 0,
      failures: [],
      anchors: [anchor()],
      ...over,
    },
  };
}

const steady = Array.from({ length: 2880 }, () => 5);
const warmHour = steady.map((t, i) => (i >= 100 && i < 160 ? 12 : t));

describe("pageVerdict", () => {
  it("says kept cold when everything verified, the chain confirms it and the readings stayed in range", () => {
    expect(pageVerdict(view(steady))).toMatchObject({ tone: "good", headline: "Kept cold the whole way" });
  });

  it("says do not use when the verified readings show an excursion", () => {
    expect(pageVerdict(view(warmHour))).toMatchObject({
      tone: "bad",
      headline: expect.stringMatching(/out of range/),
    });
  });

  it("says failed verification, not compliant, when one reading's signature fails, whatever the temperatures", () => {
    const v = view(steady, {
      readings: { verified: 2879, total: 2880 },
      failures: [{ what: "reading 0x12…", reason: "the signature does not match the signed bytes" }],
    });
    expect(pageVerdict(v)).toMatchObject({
      tone: "bad",
      headline: expect.stringMatching(/failed verification/),
    });
  });

  it("never says kept cold when the anchor could not be checked", () => {
    const v = view(steady, { anchors: [anchor({ outcome: "unchecked", blockNumber: null, final: false })] });
    expect(pageVerdict(v)).toMatchObject({
      tone: "unsure",
      headline: expect.stringMatching(/not yet confirmed/),
    });
  });
});

describe("verificationLine", () => {
  it("counts readings and events and names chain, block and finality", () => {
    expect(verificationLine(view(steady).verification)).toBe(
      "2,880 of 2,880 readings and 9 of 9 events verified; anchored on chain 11155420, block 42, final",
    );
  });

  it("says could not check the anchor when no endpoint answered", () => {
    const v = view(steady, { anchors: [anchor({ outcome: "unchecked", blockNumber: null, final: false })] });
    expect(verificationLine(v.verification)).toMatch(
      /verified; could not check the anchor on chain 11155420$/,
    );
  });

  it("gives the range of blocks when batches were anchored in several", () => {
    const v = view(steady, { anchors: [anchor(), anchor({ blockNumber: 1200, final: false })] });
    expect(verificationLine(v.verification)).toMatch(
      /anchored on chain 11155420, blocks 42–1,200, not final yet$/,
    );
  });
});
