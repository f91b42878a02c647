import { describe, expect, it } from "@jest/globals";
import { type ChainLink, checkReadingChain } from "./checkReadingChain.ts";

const MIN = 60_000;
const id = (seq: number) => `0x${seq.toString(16).padStart(64, "0")}`;
/** A well-linked chain: one reading a minute from t = seq minutes. */
const chain = (seqs: number[]): ChainLink[] =>
  seqs.map((seq) => ({ seq, ts: seq * MIN, messageId: id(seq), prev: id(seq - 1) }));
const window = { from: 10 * MIN, to: 20 * MIN, maxSilenceMs: 5 * MIN };

describe("checkReadingChain", () => {
  it("calls complete a linked run that covers the interval, edges included", () => {
    expect(checkReadingChain(chain([9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]), window)).toEqual({
      complete: true,
      gaps: [],
    });
  });

  it("reports a missing seq as a gap between its neighbours' times", () => {
    const result = checkReadingChain(chain([10, 11, 12, 14, 15, 16, 17, 18, 19, 20]), window);
    expect(result.complete).toBe(false);
    expect(result.gaps).toEqual([
      { from: 12 * MIN, to: 14 * MIN, reason: "missing-seq", afterSeq: 12, beforeSeq: 14 },
    ]);
  });

  it("reports a reading whose prev does not name the one before (a substituted reading)", () => {
    const links = chain([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    links[4] = { ...links[4]!, prev: id(999) };
    expect(checkReadingChain(links, window).gaps).toEqual([
      { from: 13 * MIN, to: 14 * MIN, reason: "broken-link", afterSeq: 13, beforeSeq: 14 },
    ]);
  });

  it("reports the edges when the readings start late or stop early, and silence within", () => {
    const late = checkReadingChain(chain([16, 17, 18, 19, 20]), window);
    expect(late.gaps).toEqual([
      { from: 10 * MIN, to: 16 * MIN, reason: "before-first", afterSeq: null, beforeSeq: 16 },
    ]);
    const early = checkReadingChain(chain([10, 11, 12, 13, 14]), window);
    expect(early.gaps).toEqual([
      { from: 14 * MIN, to: 20 * MIN, reason: "after-last", afterSeq: 14, beforeSeq: null },
    ]);
    const quiet = checkReadingChain(
      [
        ...chain([10, 11]),
        { seq: 12, ts: 19 * MIN, messageId: id(12), prev: id(11) },
        ...chain([13]).map((l) => ({ ...l, ts: 20 * MIN })),
      ],
      window,
    );
    expect(quiet.gaps.map((g) => g.reason)).toEqual(["silence"]);
  });

  it("calls an interval without readings one gap", () => {
    expect(checkReadingChain([], window)).toEqual({
      complete: false,
      gaps: [{ from: 10 * MIN, to: 20 * MIN, reason: "before-first", afterSeq: null, beforeSeq: null }],
    });
  });

  it("ignores a seq gap wholly outside the interval", () => {
    expect(
      checkReadingChain(chain([1, 5, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]), window).complete,
    ).toBe(true);
  });
});
