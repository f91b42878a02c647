import { describe, expect, it } from "@jest/globals";
import type { ReadingColumns } from "#gateway";
import { type ChainGap, DEFAULT_TEMPERATURE_PROFILE as profile } from "#provenance";
import { assessJourney } from "./assessJourney.ts";
import { noReadings } from "./readingColumns.ts";
import type { WatchedReadings } from "./watchReadings.ts";

const MIN = 60_000;
const readings = (from: number, to: number, tempC = 5): ReadingColumns => {
  const count = to - from + 1;
  return {
    count,
    seq: Array.from({ length: count }, (_, i) => from + i),
    ts: Array.from({ length: count }, (_, i) => (from + i) * MIN),
    tempC: Array.from({ length: count }, () => tempC),
    batchId: Array.from({ length: count }, () => null),
    idsHex: "00".repeat(32 * count),
    prevsHex: "00".repeat(32 * count),
  };
};
/** A sensor that watched from minute `from` to minute `to`, reporting each minute, with `gaps`. */
const watched = (from: number, to: number, gaps: ChainGap[] = []): WatchedReadings => ({
  watch: {
    device: "https://id.gs1.org/8004/4012345R",
    unit: "pallet",
    from: from * MIN,
    to: to * MIN,
    via: [],
  },
  giai: "4012345R",
  device: undefined,
  keys: [],
  from: from * MIN,
  to: to * MIN,
  readings: readings(from, to),
  before: noReadings(),
  after: noReadings(),
  truncated: false,
  complete: gaps.length === 0,
  gaps,
});
const gap = (from: number, to: number): ChainGap => ({
  from: from * MIN,
  to: to * MIN,
  reason: "missing-seq",
  afterSeq: from,
  beforeSeq: to,
});
const fallback = { from: 0, to: 1_000 * MIN };

describe("assessJourney", () => {
  it("is compliant over the stretch the sensors watched when their records are whole and in range", () => {
    const result = assessJourney([watched(10, 100)], profile, fallback);
    expect(result).toMatchObject({ verdict: "compliant", from: 10 * MIN, to: 100 * MIN, readings: 91 });
  });

  it("forgives one sensor's gap where another sensor watched the same stretch without one", () => {
    const result = assessJourney([watched(10, 100, [gap(40, 50)]), watched(0, 120)], profile, fallback);
    expect(result.verdict).toBe("compliant");
    expect(assessJourney([watched(10, 100, [gap(40, 50)])], profile, fallback).verdict).toBe("incomplete");
  });

  it("calls a stretch between two sensors that nobody watched a gap: incomplete, never compliant", () => {
    const result = assessJourney([watched(10, 50), watched(60, 100)], profile, fallback);
    expect(result.verdict).toBe("incomplete");
    expect(result.gaps).toEqual([{ from: 50 * MIN, to: 60 * MIN, reason: "silence" }]);
  });

  it("without any sensor, judges the item's whole record so far: incomplete", () => {
    expect(assessJourney([], profile, fallback)).toMatchObject({
      verdict: "incomplete",
      from: 0,
      readings: 0,
    });
  });
});
