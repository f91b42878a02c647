/** One device's reading as completeness sees it: its place in the device's hash chain and its time. */
export type ChainLink = {
  seq: number;
  /** Device timestamp, ms. */
  ts: number;
  /** keccak256 of the message bytes, hex. */
  messageId: string;
  /** The `prev` the message carries: the id of the message before it, hex. */
  prev: string;
};

/** A stretch of the window that the readings cannot vouch for. */
export type ChainGap = {
  /** Start and end of the stretch, ms. */
  from: number;
  to: number;
  reason: "missing-seq" | "broken-link" | "before-first" | "after-last" | "silence";
  /** The seq numbers around the gap (null at an edge with no reading). */
  afterSeq: number | null;
  beforeSeq: number | null;
};

export type ReadingChainOptions = {
  /** The interval the readings must cover, ms. */
  from: number;
  to: number;
  /** Two consecutive readings further apart than this leave the time between them unwatched, ms. */
  maxSilenceMs: number;
};

/**
 * Whether one device's readings vouch for a whole interval. `links` holds the readings inside the interval
 * plus, where they exist, the last one before it and the first one after it (so the edges can be checked),
 * each already verified (signature) by the caller. Complete means: consecutive seq numbers whose `prev`
 * links each to the one before, a reading at or before `from` and at or after `to` (or one within
 * `maxSilenceMs` of each edge), and no silence longer than `maxSilenceMs`. Anything else is a gap in time,
 * with its reason, so a compliance verdict can say "incomplete" exactly where it cannot see.
 * @example checkReadingChain(links, { from, to, maxSilenceMs: 5 * 60_000 }).complete
 */
export function checkReadingChain(
  links: readonly ChainLink[],
  options: ReadingChainOptions,
): { complete: boolean; gaps: ChainGap[] } {
  const sorted = [...links].sort((a, b) => a.seq - b.seq);
  const gaps: ChainGap[] = [];
  const { from, to, maxSilenceMs } = options;
  const first = sorted[0];
  const last = sorted.at(-1);
  if (first === undefined || last === undefined) {
    gaps.push({ from, to, reason: "before-first", afterSeq: null, beforeSeq: null });
    return { complete: false, gaps };
  }
  if (first.ts > from + maxSilenceMs) {
    gaps.push({
      from,
      to: Math.min(first.ts, to),
      reason: "before-first",
      afterSeq: null,
      beforeSeq: first.seq,
    });
  }
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    const stretch = { from: Math.max(a.ts, from), to: Math.min(b.ts, to), afterSeq: a.seq, beforeSeq: b.seq };
    if (stretch.to < stretch.from) continue; // both outside the interval, on the same side
    if (b.seq !== a.seq + 1) gaps.push({ ...stretch, reason: "missing-seq" });
    // Ids are lowercase as the store gives them; the case-folding compare runs only when they differ.
    else if (b.prev !== a.messageId && b.prev.toLowerCase() !== a.messageId.toLowerCase())
      gaps.push({ ...stretch, reason: "broken-link" });
    else if (b.ts - a.ts > maxSilenceMs) gaps.push({ ...stretch, reason: "silence" });
  }
  if (last.ts < to - maxSilenceMs) {
    gaps.push({
      from: Math.max(last.ts, from),
      to,
      reason: "after-last",
      afterSeq: last.seq,
      beforeSeq: null,
    });
  }
  return { complete: gaps.length === 0, gaps };
}
