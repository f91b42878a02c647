import { decodeCoseSign1, decodeReadingPayload } from "#protocol";

/**
 * One part of a device-window audit: the readings of `[from, to]` (device clock) with every batch that holds
 * one of them or one of the two neighbours just outside, so the verifier's completeness check of the part
 * sees exactly what it would see inside the whole package's check.
 */
export type AuditSlice = {
  index: number;
  /** The part's window (device clock, ms), both inclusive. */
  from: number;
  to: number;
  /** Indexes into the package's `batches`. */
  batches: number[];
  /** Indexes into the package's `pending.readings`. */
  pendingReadings: number[];
  /** Readings whose `ts` falls in here are counted by this part (the outer ones go to the first and last). */
  countFrom: number;
  countTo: number;
};

/** How an audit is cut: `whole` means one verification of the package as it is. */
export type AuditPlan =
  | { kind: "whole"; readings: number; reason: string }
  | { kind: "slices"; readings: number; sliceReadings: number; slices: AuditSlice[] };

type Placed = { ts: number; batch: number; pending: number };

/**
 * Cuts a device-window package into windows of about `sliceReadings` readings each, so an interrupted audit
 * resumes at a window and a failure names the window it is in. The windows tile the subject's `[from, to]`;
 * each part carries its window's readings' batches and the batches of the reading just before and just after
 * it (the neighbours the completeness check needs), so a window's gaps are the whole package's gaps inside
 * that window and the link across each boundary is checked (by the part on its left, through the neighbour).
 * A batch that straddles a boundary is verified by both parts; readings before the subject's window go
 * with the first part, those after it with the last. Item, lot and shipment packages, and
 * anything that does not look like a device package, are verified whole: their journey ties sensors and
 * events together across the package. Reading timestamps are taken from the decoded payloads WITHOUT
 * checking signatures: they only decide the cut; the verifier checks every message of every part.
 * @example planAuditSlices(JSON.parse(text), 10_000).kind
 */
export function planAuditSlices(value: unknown, sliceReadings: number): AuditPlan {
  const pkg = value as {
    subject?: { kind?: unknown; from?: unknown; to?: unknown };
    batches?: { readings?: unknown }[];
    pending?: { readings?: unknown };
  };
  const batches = Array.isArray(pkg?.batches) ? pkg.batches : [];
  const pendingReadings = Array.isArray(pkg?.pending?.readings) ? (pkg.pending.readings as unknown[]) : [];
  const count =
    batches.reduce((n, b) => n + (Array.isArray(b?.readings) ? b.readings.length : 0), 0) +
    pendingReadings.length;
  const subject = pkg?.subject;
  if (subject?.kind !== "device" || typeof subject.from !== "number" || typeof subject.to !== "number")
    return { kind: "whole", readings: count, reason: "not a device window" };
  if (count <= sliceReadings)
    return { kind: "whole", readings: count, reason: `${count} readings fit one part` };
  const { from, to } = subject as { from: number; to: number };

  const placed: Placed[] = [];
  batches.forEach((b, batch) => {
    if (Array.isArray(b?.readings)) for (const r of b.readings) place(r, batch, -1, placed);
  });
  pendingReadings.forEach((r, i) => {
    place(r, -1, i, placed);
  });
  placed.sort((a, b) => a.ts - b.ts);

  // Boundaries: the timestamp of every sliceReadings-th reading inside (from, to], strictly increasing.
  const starts = [from];
  const inside = placed.filter((p) => p.ts > from && p.ts <= to);
  for (let i = sliceReadings; i < inside.length; i += sliceReadings) {
    const ts = inside[i]!.ts;
    if (ts > starts.at(-1)!) starts.push(ts);
  }
  const tsList = placed.map((p) => p.ts);
  const slices: AuditSlice[] = starts.map((start, index) => {
    const last = index === starts.length - 1;
    const end = last ? to : starts[index + 1]! - 1;
    // Everything in [start, end], and the readings at the neighbours' timestamps on both sides.
    let lo = lowerBound(tsList, start) - 1;
    let hi = lowerBound(tsList, end + 1);
    if (lo >= 0) lo = lowerBound(tsList, tsList[lo]!);
    if (hi < tsList.length) hi = lowerBound(tsList, tsList[hi]! + 1);
    // The readings outside the subject's window (a package may hold more than the two neighbours) are
    // verified and counted by the first and the last part.
    if (index === 0 || lo < 0) lo = 0;
    if (last) hi = tsList.length;
    const batchSet = new Set<number>();
    const pendingSet = new Set<number>();
    for (let i = lo; i < hi; i++) {
      const p = placed[i]!;
      if (p.batch >= 0) batchSet.add(p.batch);
      else pendingSet.add(p.pending);
    }
    return {
      index,
      from: start,
      to: end,
      batches: [...batchSet].sort((a, b) => a - b),
      pendingReadings: [...pendingSet].sort((a, b) => a - b),
      countFrom: index === 0 ? Number.NEGATIVE_INFINITY : start,
      countTo: last ? Number.POSITIVE_INFINITY : end,
    };
  });
  // Batches with no reading that decodes (events, hidden ids, broken messages) are verified with the first
  // part, so their failures are reported and their anchors checked exactly as in a whole verification.
  const covered = new Set(slices.flatMap((s) => s.batches));
  const orphans = batches.map((_, i) => i).filter((i) => !covered.has(i));
  slices[0]!.batches = [...new Set([...slices[0]!.batches, ...orphans])].sort((a, b) => a - b);
  return { kind: "slices", readings: count, sliceReadings, slices };
}

function place(base64: unknown, batch: number, pending: number, out: Placed[]): void {
  if (typeof base64 !== "string") return;
  try {
    const cose = decodeCoseSign1(Buffer.from(base64, "base64"));
    out.push({ ts: decodeReadingPayload(cose.payload).ts, batch, pending });
  } catch {
    // Undecodable: the verifier reports it in the part that holds its batch.
  }
}

/** First index whose value is >= x in an ascending list. */
function lowerBound(list: readonly number[], x: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
