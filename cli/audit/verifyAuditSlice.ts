import {
  type AnchorOutcome,
  type EvidenceFailure,
  type EvidenceStatus,
  type VerifyEvidenceOptions,
  verifyEvidencePackage,
} from "#evidence";
import type { ChainGap } from "#provenance";
import type { AuditSlice } from "./planAuditSlices.ts";

/** What one part of an audit found: what the state file keeps, and what the final report is summed from. */
export type SliceOutcome = {
  index: number;
  from: number;
  to: number;
  status: EvidenceStatus;
  /** Readings with a valid signature in a batch whose multiproof held, counted in this part's counting window. */
  readingsVerified: number;
  /** Message ids of the events verified in a proven batch (a device window rarely has any). */
  eventsVerified: string[];
  eventsTotal: number;
  eventsHidden: number;
  batches: number;
  anchors: AnchorOutcome[];
  complete: boolean | null;
  gaps: ChainGap[];
  failures: EvidenceFailure[];
  ms: number;
};

type Json = Record<string, unknown>;

/**
 * The package of one part: a copy holding only the part's batches and pending readings, the part's window as
 * its subject, and no claim (the whole package's claim is compared once, against the parts' sum).
 * @example JSON.stringify(slicePackage(pkg, plan.slices[0]))
 */
export function slicePackage(pkg: Json, slice: AuditSlice): Json {
  const batches = pkg.batches as unknown[];
  const pending = pkg.pending as { readings: unknown[]; events: unknown; hidden: unknown };
  const first = slice.index === 0;
  return {
    ...pkg,
    subject: { ...(pkg.subject as Json), from: slice.from, to: slice.to },
    batches: slice.batches.map((i) => batches[i]),
    pending: {
      readings: slice.pendingReadings.map((i) => pending.readings[i]),
      // Pending events and hidden ids are checked once, with the first part.
      events: first ? pending.events : [],
      hidden: first ? pending.hidden : [],
    },
    claimed: { complete: null, verdict: null, gaps: [] },
  };
}

/**
 * Verifies one part's package (slicePackage) with #evidence's verifier, the product page's, and keeps what
 * the state and the final report need; readings are counted only inside the part's counting window, so
 * the parts' counts add up to the package's.
 * @example const outcome = await verifyAuditSlice(slicePackage(pkg, slice), slice, { verifier, endpoints })
 */
export async function verifyAuditSlice(
  part: unknown,
  slice: AuditSlice,
  options: VerifyEvidenceOptions,
): Promise<SliceOutcome> {
  const start = performance.now();
  const { report, readings, events } = await verifyEvidencePackage(part, options);
  const counted = readings.filter(
    (r) => r.root !== null && r.reading.ts >= slice.countFrom && r.reading.ts <= slice.countTo,
  ).length;
  return {
    index: slice.index,
    from: slice.from,
    to: slice.to,
    status: report.status,
    readingsVerified: counted,
    eventsVerified: events.filter((e) => e.root !== null).map((e) => e.messageId),
    eventsTotal: report.events.total,
    eventsHidden: report.events.hidden,
    batches: slice.batches.length,
    anchors: report.anchors,
    complete: report.journey?.complete ?? null,
    gaps: report.journey?.sensors.flatMap((s) => s.gaps) ?? [],
    failures: report.failures,
    ms: Math.round(performance.now() - start),
  };
}
