import {
  type AnchorOutcome,
  EVIDENCE_REPORT_FORMAT,
  type EvidenceFailure,
  type EvidenceReport,
  type EvidenceStatus,
  type EvidenceSubject,
} from "#evidence";
import type { Hex } from "#protocol";
import type { SliceOutcome } from "./verifyAuditSlice.ts";

type Json = Record<string, unknown>;
const RANK: Record<EvidenceStatus, number> = { valid: 0, "not-anchored": 1, unverified: 2, invalid: 3 };

/**
 * The report of a device-window audit done in parts, in the verifier's own report shape, so it prints and
 * reads like a whole verification: counts summed (each reading counted by the one part whose window holds
 * it), anchors and failures once each (a batch on a boundary is verified by two parts), the window's gaps
 * in order, and the package's `claimed` completeness compared with what the parts found together.
 * @example combineSliceOutcomes(pkg, outcomes).status
 */
export function combineSliceOutcomes(pkg: Json, outcomes: readonly SliceOutcome[]): EvidenceReport {
  const batches = pkg.batches as { readings: unknown[]; events: unknown[]; hidden: unknown[] }[];
  const pending = pkg.pending as { readings: unknown[]; events: unknown[]; hidden: unknown[] };
  const sorted = [...outcomes].sort((a, b) => a.index - b.index);

  const failures: EvidenceFailure[] = [];
  const seenFailure = new Set<string>();
  const anchors: AnchorOutcome[] = [];
  const seenAnchor = new Set<string>();
  for (const o of sorted) {
    for (const f of o.failures) {
      const key = `${f.subject}\u0000${f.check}\u0000${f.detail}`;
      if (!seenFailure.has(key)) failures.push(f);
      seenFailure.add(key);
    }
    for (const a of o.anchors) {
      const key = `${a.root}:${a.anchor.chainId}:${a.anchor.contract.toLowerCase()}:${a.anchor.txHash}`;
      if (!seenAnchor.has(key)) anchors.push(a);
      seenAnchor.add(key);
    }
  }
  const complete = sorted.every((o) => o.complete === true);
  const claimed = (pkg.claimed as { complete: unknown }).complete;
  if (claimed !== null && claimed !== complete)
    failures.push({
      subject: "journey",
      check: "completeness",
      detail: `the server claims ${String(claimed)}, the verified evidence shows ${String(complete)}`,
    });

  const badProofs = new Set(
    failures
      .filter((f) => f.check === "multiproof")
      .map((f) => f.subject.replace(/^batch /, "").toLowerCase()),
  );
  const anchored = new Set(anchors.filter((a) => a.result === "verified").map((a) => a.root.toLowerCase()));
  const eventsVerified = new Set(sorted.flatMap((o) => o.eventsVerified));
  const subject = pkg.subject as EvidenceSubject & { from: number; to: number; id: Hex };
  const report: EvidenceReport = {
    format: EVIDENCE_REPORT_FORMAT,
    subject,
    status: "valid",
    summary: "",
    readings: {
      total: batches.reduce((n, b) => n + b.readings.length, 0) + pending.readings.length,
      verified: sorted.reduce((n, o) => n + o.readingsVerified, 0),
      pending: pending.readings.length,
    },
    events: {
      total: batches.reduce((n, b) => n + b.events.length, 0) + pending.events.length,
      verified: eventsVerified.size,
      pending: pending.events.length,
      hidden: batches.reduce((n, b) => n + b.hidden.length, 0) + pending.hidden.length,
    },
    batches: {
      total: batches.length,
      proven: batches.length - badProofs.size,
      anchored: anchored.size,
    },
    anchors,
    journey: {
      complete,
      sensors: [
        {
          giai: null,
          device: subject.id,
          unit: subject.id,
          via: [],
          from: subject.from,
          to: subject.to,
          readings: sorted.reduce((n, o) => n + o.readingsVerified, 0),
          complete,
          gaps: sorted.flatMap((o) => o.gaps),
        },
      ],
      coldChain: null,
    },
    failures,
  };
  const worst = sorted.reduce<EvidenceStatus>((s, o) => (RANK[o.status] > RANK[s] ? o.status : s), "valid");
  report.status = failures.length > 0 ? "invalid" : worst === "invalid" ? "invalid" : worst;
  report.summary = summarize(report);
  return report;
}

function summarize(r: EvidenceReport): string {
  const n = String; // as the verifier writes them
  const counts = `${n(r.readings.verified)} of ${n(r.readings.total)} readings and ${n(r.events.verified)} of ${n(r.events.total)} events verified`;
  if (r.status === "invalid") {
    const f = r.failures[0];
    const first = f ? `: ${f.subject}: ${f.check}: ${f.detail}` : "";
    return `${counts}; verification FAILED (${r.failures.length} failure${r.failures.length === 1 ? "" : "s"})${first}`;
  }
  const verified = r.anchors.filter((a) => a.result === "verified");
  const chains = [...new Set(verified.map((a) => a.anchor.chainId))];
  const blocks = verified.map((a) => a.anchor.blockNumber ?? 0).sort((a, b) => a - b);
  const where =
    verified.length === 0
      ? ""
      : `; anchored on chain ${chains.join(", ")}, block${blocks.length > 1 ? "s" : ""} ${blocks[0]}${blocks.length > 1 ? `–${blocks.at(-1)}` : ""}, ${verified.every((a) => a.anchor.status === "final") ? "final" : "included"}`;
  if (r.status === "unverified") {
    const a = r.anchors.find((x) => x.result === "unchecked");
    return `${counts}${where}; could not check the anchor${a ? `: ${a.detail}` : ""}`;
  }
  if (r.status === "not-anchored") return `${counts}${where}; not anchored yet`;
  return `${counts}${where}`;
}
