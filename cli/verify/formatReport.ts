import { toChecksumAddress } from "#protocol";
import type { AnchorVerification, Check, KeyVerification, VerdictStatus, VerifyReport } from "./types.ts";

const NAME_WIDTH = 20;

const VERDICT_LABEL: Record<VerdictStatus, string> = {
  valid: "VALID",
  invalid: "INVALID",
  "not-anchored": "NOT ANCHORED YET",
  unverified: "NOT VERIFIED",
};

/**
 * The human-readable report: one line per check (✓ / ✗ and what was found), then one verdict line.
 * @example io.stdout.write(formatReport(report))
 */
export function formatReport(report: VerifyReport): string {
  const lines: string[] = [`Sealtrail proof bundle ${report.source}`];
  if (report.messageId !== null) lines.push(`  message ${report.messageId}`);
  if (report.device !== null) lines.push(`  device  ${safeChecksum(report.device)}`);
  if (report.signed !== null) {
    // What was signed, decoded from the message bytes: the bundle's own `reading` is never printed.
    const { seq, ts, m } = report.signed.payload;
    const measurements = Object.entries(m)
      .map(([name, value]) => `${name} ${value}`)
      .join(", ");
    lines.push(`  signed  seq ${seq}, ${report.signed.time} (ts ${ts}), ${measurements}`);
  }
  if (report.signedEvent !== undefined) {
    const e = report.signedEvent;
    const by =
      e.signedBy === "attester"
        ? `attested for ${e.organisation} by the operator`
        : "signed by the organisation";
    lines.push(`  event   ${e.type} at ${e.eventTime ?? "(no eventTime)"}, ${by}`);
    if (e.eventHashId !== null) lines.push(`  hash id ${e.eventHashId}`);
  }
  for (const check of report.checks) lines.push(checkLine(check, ""));
  for (const anchor of report.anchors) lines.push(...anchorLines(anchor, report.anchors.length));
  if (report.signingKey !== undefined) lines.push(...signingKeyLines(report.signingKey));
  lines.push(`${VERDICT_LABEL[report.verdict.status]} — ${report.verdict.summary}`);
  return `${lines.join("\n")}\n`;
}

/**
 * The machine-readable report (`--json`): the {@link VerifyReport}, versioned by its `format` field.
 * @example JSON.parse(formatReportJson(report)).valid
 */
export function formatReportJson(report: VerifyReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

function checkLine(check: Check, indent: string): string {
  return `${indent}${check.ok ? "✓" : "✗"} ${check.name.padEnd(NAME_WIDTH)} ${check.detail}`;
}

function anchorLines(anchor: AnchorVerification, total: number): string[] {
  const head = `anchor ${anchor.index + 1} of ${total}: chain ${anchor.chainId}, contract ${safeChecksum(anchor.contract)}, status ${anchor.status}`;
  if (anchor.result === "not-anchored") {
    const tx = anchor.txHash === null ? "" : `, tx ${anchor.txHash}`;
    return [head, `  · ${"on chain".padEnd(NAME_WIDTH)} nothing to check yet${tx}`];
  }
  return [head, ...anchor.checks.map((c) => checkLine(c, "  "))];
}

function safeChecksum(address: string): string {
  try {
    return toChecksumAddress(address);
  } catch {
    return address;
  }
}

function signingKeyLines(key: KeyVerification): string[] {
  if (key.registry === null) return ["signing key", `  · ${"registry".padEnd(NAME_WIDTH)} ${key.detail}`];
  const r = key.registry;
  const head = `signing key ${safeChecksum(r.key)} (${r.kind}): registry ${safeChecksum(r.contract)} on chain ${r.chainId}`;
  const mark = key.result === "verified" ? "✓" : key.result === "failed" ? "✗" : "·";
  const lines = [head, `  ${mark} ${"active at anchor".padEnd(NAME_WIDTH)} ${key.detail}`];
  if (key.record !== null) {
    const at = (s: number) => (s === 0 ? "never" : `${new Date(s * 1000).toISOString()} (${s})`);
    lines.push(
      `  · ${"registry state".padEnd(NAME_WIDTH)} registered ${at(key.record.registeredAt)}, revoked ${at(key.record.revokedAt)}`,
    );
  }
  return lines;
}
