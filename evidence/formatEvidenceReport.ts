import type { EvidenceReport } from "./verifyEvidencePackage.ts";

const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms));

/**
 * The report as text for a person: the verdict line first, then the subject, what was counted, each
 * anchor, completeness and the cold-chain verdict recomputed here, and every failure with its reason
 * (`maxFailures` of them; the JSON report lists all).
 * @example process.stdout.write(formatEvidenceReport(report))
 */
export function formatEvidenceReport(report: EvidenceReport, maxFailures = 50): string {
  const lines: string[] = [];
  lines.push(`${report.status.toUpperCase()}: ${report.summary}`);
  const s = report.subject;
  if (s)
    lines.push(
      s.kind === "device"
        ? `subject: device ${s.id} from ${iso(s.from)} to ${iso(s.to)}`
        : `subject: ${s.kind} ${s.id}`,
    );
  const { readings: r, events: e, batches: b } = report;
  lines.push(
    `readings: ${r.verified} of ${r.total} verified${r.pending ? `, ${r.pending} not in a sealed batch yet` : ""}`,
    `events: ${e.verified} of ${e.total} verified, ${e.hidden} private (hash only)${e.pending ? `, ${e.pending} not in a sealed batch yet` : ""}`,
    `batches: ${b.proven} of ${b.total} multiproofs lead to their root, ${b.anchored} anchored on chain (verified)`,
  );
  for (const a of report.anchors)
    lines.push(`anchor ${a.root.slice(0, 12)}… chain ${a.anchor.chainId}: ${a.result} (${a.detail})`);
  const j = report.journey;
  if (j) {
    lines.push(`complete: ${j.complete ? "yes" : "no"}`);
    for (const sensor of j.sensors)
      for (const g of sensor.gaps)
        lines.push(
          `  gap ${g.reason} ${iso(g.from)} – ${iso(g.to)} (${sensor.giai ?? sensor.device ?? sensor.unit})`,
        );
    if (j.coldChain) lines.push(`cold chain: ${j.coldChain.verdict}: ${j.coldChain.summary}`);
  }
  if (report.failures.length > 0) {
    lines.push(`failures (${report.failures.length}):`);
    for (const f of report.failures.slice(0, maxFailures))
      lines.push(`  ${f.subject}: ${f.check}: ${f.detail}`);
    if (report.failures.length > maxFailures)
      lines.push(`  … ${report.failures.length - maxFailures} more (see --json)`);
  }
  return `${lines.join("\n")}\n`;
}
