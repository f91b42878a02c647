import type { ReadingColumns } from "#gateway";
import type { ChainLink } from "#provenance";

/** Characters of one id in ReadingColumns' hex strings. */
const ID_CHARS = 64;

/** No readings. */
export const noReadings = (): ReadingColumns => ({
  count: 0,
  seq: [],
  ts: [],
  tempC: [],
  batchId: [],
  idsHex: "",
  prevsHex: "",
});

/**
 * The rows of `parts` one after the other (a sensor's stretch read key by key when it was rotated).
 * @example joinReadingColumns([before, within, after]).count
 */
export function joinReadingColumns(parts: readonly ReadingColumns[]): ReadingColumns {
  if (parts.length === 1) return parts[0]!;
  return {
    count: parts.reduce((sum, p) => sum + p.count, 0),
    seq: parts.flatMap((p) => p.seq),
    ts: parts.flatMap((p) => p.ts),
    tempC: parts.flatMap((p) => p.tempC),
    batchId: parts.flatMap((p) => p.batchId),
    idsHex: parts.map((p) => p.idsHex).join(""),
    prevsHex: parts.map((p) => p.prevsHex).join(""),
  };
}

/**
 * The readings as checkReadingChain takes them. Their ids and prevs are slices of the two hex strings (V8
 * makes a slice a view, not a copy), all in the same form, so the check's comparisons hold.
 * @example checkReadingChain(chainLinksOf(joinReadingColumns([w.before, w.within, w.after])), options)
 */
export function chainLinksOf(c: ReadingColumns): ChainLink[] {
  const links: ChainLink[] = new Array(c.count);
  for (let i = 0; i < c.count; i++) {
    const at = i * ID_CHARS;
    links[i] = {
      seq: c.seq[i]!,
      ts: c.ts[i]!,
      messageId: c.idsHex.slice(at, at + ID_CHARS),
      prev: c.prevsHex.slice(at, at + ID_CHARS),
    };
  }
  return links;
}

/** The message id of row `i`, `0x`-prefixed as everywhere else in the API. */
export const messageIdAt = (c: ReadingColumns, i: number): `0x${string}` =>
  `0x${c.idsHex.slice(i * ID_CHARS, (i + 1) * ID_CHARS)}`;
