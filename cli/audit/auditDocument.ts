import type { AuditRun } from "./runAudit.ts";

/**
 * The human-readable report as a neutral document (headings, key–value lists, tables), written out as
 * Markdown or HTML by the two formatters, so both say the same thing. Every failure is listed with its
 * reason, every gap, and every anchor that was not verified; verified anchors are listed when there are
 * few (a 100,000-reading window has ~1,000), else counted.
 */
export type AuditBlock =
  | { kind: "heading"; text: string }
  | { kind: "paragraph"; text: string }
  | { kind: "facts"; rows: [string, string][] }
  | { kind: "table"; head: string[]; rows: string[][] };

const MAX_VERIFIED_ANCHORS_LISTED = 50;
const iso = (ms: unknown) =>
  typeof ms === "number" && Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);

/** @example auditDocument(run).map((b) => b.kind) */
export function auditDocument(run: AuditRun): AuditBlock[] {
  const r = run.report;
  const s = r.subject;
  const blocks: AuditBlock[] = [];
  blocks.push({ kind: "heading", text: `Sealtrail audit: ${r.status.toUpperCase()}` });
  blocks.push({ kind: "paragraph", text: r.summary });
  blocks.push({
    kind: "facts",
    rows: [
      ["Target", run.target],
      [
        "Subject",
        s === null
          ? "(the package did not parse)"
          : s.kind === "device"
            ? `device ${s.id} from ${iso(s.from)} to ${iso(s.to)}`
            : `${s.kind} ${s.id}`,
      ],
      ["Package SHA-256", run.package.sha256],
      ["Package", `${run.package.bytes} bytes${run.package.file ? `, kept as ${run.package.file}` : ""}`],
      ["Package generated", iso(run.package.generatedAt)],
      ["Verifier", `${run.verifier} (sealtrail audit, ${r.format})`],
      ["RPC endpoints", run.rpc.length > 0 ? run.rpc.join(", ") : "none (anchors not checked)"],
      ["Audit", `${run.startedAt} – ${run.finishedAt}`],
      [
        "Parts",
        `${run.parts.total}${run.parts.sliceReadings ? ` of about ${run.parts.sliceReadings} readings` : ""}; ${run.parts.resumed} done by an earlier run, ${run.parts.verifiedNow} by this one in ${run.seconds} s`,
      ],
    ],
  });
  blocks.push({ kind: "heading", text: "What was checked" });
  blocks.push({
    kind: "table",
    head: ["", "Total", "Verified", "Not in a sealed batch", "Private (hash only)"],
    rows: [
      ["Readings", `${r.readings.total}`, `${r.readings.verified}`, `${r.readings.pending}`, "–"],
      ["Events", `${r.events.total}`, `${r.events.verified}`, `${r.events.pending}`, `${r.events.hidden}`],
    ],
  });
  blocks.push({
    kind: "paragraph",
    text: `Batches: ${r.batches.total}; ${r.batches.proven} multiproofs lead to their root; ${r.batches.anchored} roots verified on chain.`,
  });

  blocks.push({ kind: "heading", text: "Anchors" });
  const byResult = new Map<string, number>();
  for (const a of r.anchors) byResult.set(a.result, (byResult.get(a.result) ?? 0) + 1);
  blocks.push({
    kind: "paragraph",
    text:
      r.anchors.length === 0
        ? "No anchor records."
        : [...byResult].map(([result, n]) => `${n} ${result}`).join(", "),
  });
  const listed =
    r.anchors.length <= MAX_VERIFIED_ANCHORS_LISTED
      ? r.anchors
      : r.anchors.filter((a) => a.result !== "verified");
  if (listed.length > 0)
    blocks.push({
      kind: "table",
      head: ["Root", "Chain", "Block", "Status", "Result", "Detail"],
      rows: listed.map((a) => [
        a.root,
        String(a.anchor.chainId),
        String(a.anchor.blockNumber ?? "–"),
        a.anchor.status,
        a.result,
        a.detail,
      ]),
    });

  const j = r.journey;
  if (j) {
    blocks.push({ kind: "heading", text: "Completeness and cold chain (recomputed here)" });
    blocks.push({ kind: "paragraph", text: `Complete: ${j.complete ? "yes" : "no"}.` });
    const gaps = j.sensors.flatMap((sensor) =>
      sensor.gaps.map((g) => [sensor.giai ?? sensor.device ?? sensor.unit, g.reason, iso(g.from), iso(g.to)]),
    );
    if (gaps.length > 0) blocks.push({ kind: "table", head: ["Sensor", "Gap", "From", "To"], rows: gaps });
    if (j.coldChain)
      blocks.push({ kind: "paragraph", text: `Cold chain: ${j.coldChain.verdict}: ${j.coldChain.summary}` });
  }

  blocks.push({ kind: "heading", text: `Failures (${r.failures.length})` });
  if (r.failures.length === 0) blocks.push({ kind: "paragraph", text: "None." });
  else
    blocks.push({
      kind: "table",
      head: ["#", "Subject", "Check", "Reason"],
      rows: r.failures.map((f, i) => [String(i + 1), f.subject, f.check, f.detail]),
    });
  return blocks;
}
