import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "@jest/globals";
import {
  base64ToBytes,
  buildEvidencePackage,
  bytesToBase64,
  type EvidencePackage,
  verifyEvidencePackage,
} from "#evidence";
import { nobleVerifier } from "#protocol";
import {
  deviceContent,
  exampleEvidenceDevice,
  exampleReadings,
  memoryEvidenceSource,
} from "../../evidence/testing.ts";
import { AUDIT_STATE_FORMAT, type AuditState } from "./auditState.ts";
import { formatAuditReport } from "./formatAuditReport.ts";
import { planAuditSlices } from "./planAuditSlices.ts";
import { type AuditRun, runAudit } from "./runAudit.ts";

// A device window of 600 readings (one a minute) interleaved with another device's in batches of 64, audited
// in parts of 100 readings, against one verification of the whole package by #evidence's verifier.
const T0 = Date.parse("2026-06-01T00:00:00Z");
const MIN = 60_000;
const ours = exampleEvidenceDevice("audit ours");
const theirs = exampleEvidenceDevice("audit theirs");
const FROM = T0 + 10 * MIN;
const TO = T0 + 589 * MIN;
const dir = mkdtempSync(join(tmpdir(), "sealtrail-audit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function devicePackage(options: { skipSeq?: number } = {}): Promise<EvidencePackage> {
  const a = exampleReadings(ours, 600, T0, (i) => 4 + (i % 5));
  const b = exampleReadings(theirs, 300, T0);
  const mixed = a.flatMap((r, i) => (i % 2 === 0 && b[i / 2] ? [r, b[i / 2]!] : [r]));
  const source = memoryEvidenceSource(mixed, [ours, theirs], 64);
  // A reading the server leaves out (a gap): its batch's multiproof still proves the others.
  const kept = a.filter((_, i) => i + 1 !== options.skipSeq);
  return buildEvidencePackage(deviceContent(ours.address, kept, FROM, TO), source);
}

const verify = { verifier: nobleVerifier };
const whole = async (pkg: EvidencePackage) => (await verifyEvidencePackage(pkg, verify)).report;
const audit = (pkg: EvidencePackage, extra: Partial<Parameters<typeof runAudit>[0]> = {}) =>
  runAudit({
    text: JSON.stringify(pkg),
    target: "test",
    packageFile: null,
    verify,
    sliceReadings: 100,
    ...extra,
  });
const done = (run: AuditRun | "interrupted"): AuditRun => {
  if (run === "interrupted") throw new Error("interrupted");
  return run;
};

describe("planAuditSlices", () => {
  it("tiles the device window with parts of about the given size, and leaves item packages whole", async () => {
    const pkg = await devicePackage();
    const plan = planAuditSlices(pkg, 100);
    if (plan.kind !== "slices") throw new Error("expected parts");
    expect(plan.slices.length).toBe(6);
    expect(plan.slices[0]!.from).toBe(FROM);
    expect(plan.slices.at(-1)!.to).toBe(TO);
    for (let i = 1; i < plan.slices.length; i++)
      expect(plan.slices[i]!.from).toBe(plan.slices[i - 1]!.to + 1);
    // Every batch is verified by at least one part.
    expect(new Set(plan.slices.flatMap((s) => s.batches)).size).toBe(pkg.batches.length);
    expect(planAuditSlices({ ...pkg, subject: { kind: "item", id: "x", gtin: null } }, 100).kind).toBe(
      "whole",
    );
    expect(planAuditSlices(pkg, 10_000).kind).toBe("whole");
  });
});

describe("runAudit", () => {
  it("verifying a device window in parts reports what one verification of the whole package reports", async () => {
    const pkg = await devicePackage();
    const expected = await whole(pkg);
    const run = done(await audit(pkg));
    expect(run.parts).toMatchObject({ total: 6, resumed: 0, verifiedNow: 6 });
    expect(run.report.status).toBe(expected.status);
    expect(run.report.readings).toEqual(expected.readings);
    expect(run.report.batches).toEqual(expected.batches);
    expect(run.report.failures).toEqual(expected.failures);
    expect(run.report.journey?.complete).toBe(true);
  });

  it("finds the same gap as a whole verification when the server leaves a reading out, and fails its claim", async () => {
    const pkg = await devicePackage({ skipSeq: 333 });
    const expected = await whole(pkg);
    const run = done(await audit(pkg));
    expect(expected.journey?.sensors[0]?.gaps).toEqual([expect.objectContaining({ reason: "missing-seq" })]);
    expect(run.report.journey?.sensors[0]?.gaps).toEqual(expected.journey?.sensors[0]?.gaps);
    expect(run.report.failures).toEqual(expected.failures); // "the server claims true …"
    expect(run.report.status).toBe("invalid");
  });

  it("lists a tampered reading once, with the reasons a whole verification gives", async () => {
    const pkg = await devicePackage();
    // In the batch that straddles parts 2 and 3, so two parts verify it.
    const plan = planAuditSlices(pkg, 100);
    if (plan.kind !== "slices") throw new Error("expected parts");
    const shared = plan.slices[1]!.batches.find((b) => plan.slices[2]!.batches.includes(b))!;
    const raw = base64ToBytes(pkg.batches[shared]!.readings[0]!)!;
    raw[raw.length - 67] = raw[raw.length - 67]! ^ 0x01;
    pkg.batches[shared]!.readings[0] = bytesToBase64(raw);
    const expected = await whole(pkg);
    const run = done(await audit(pkg));
    expect(run.report.status).toBe("invalid");
    expect(run.report.failures.map((f) => f.check).sort()).toEqual(
      expected.failures.map((f) => f.check).sort(),
    );
    expect(run.report.readings.verified).toBe(expected.readings.verified);
  });

  it("When interrupted after two parts, then a second run verifies only the other parts and reports the same", async () => {
    const pkg = await devicePackage();
    const stateFile = join(dir, "interrupted.state.json");
    const stop = new AbortController();
    const first = await audit(pkg, {
      stateFile,
      signal: stop.signal,
      onPart: (n) => n === 2 && stop.abort(),
    });
    expect(first).toBe("interrupted");
    const state = JSON.parse(readFileSync(stateFile, "utf8")) as AuditState;
    expect(state.format).toBe(AUDIT_STATE_FORMAT);
    expect(state.done.map((d) => d.index)).toEqual([0, 1]);
    let parts = 0;
    const second = done(await audit(pkg, { stateFile, onPart: () => parts++ }));
    expect(parts).toBe(4);
    expect(second.parts).toMatchObject({ total: 6, resumed: 2, verifiedNow: 4 });
    const straight = done(await audit(pkg));
    expect(second.report).toEqual(straight.report);
  });

  it("starts over when the package changed since the state was written", async () => {
    const pkg = await devicePackage();
    const stateFile = join(dir, "changed.state.json");
    done(await audit(pkg, { stateFile }));
    const changed = { ...pkg, generatedAt: pkg.generatedAt + 1 };
    const lines: string[] = [];
    const run = done(await audit(changed, { stateFile, log: (l) => lines.push(l) }));
    expect(run.parts.resumed).toBe(0);
    expect(lines).toContainEqual(
      expect.stringMatching(/^starting the audit afresh: the package changed since .* was written/),
    );
    // A finished state is reused whole: nothing is verified again.
    const again = done(await audit(changed, { stateFile }));
    expect(again.parts).toMatchObject({ resumed: 6, verifiedNow: 0 });
  });
});

describe("formatAuditReport", () => {
  it("lists every failure with its reason in Markdown and HTML, escaping what the package says", async () => {
    const pkg = await devicePackage();
    const run = done(await audit(pkg));
    const failures = Array.from({ length: 70 }, (_, i) => ({
      subject: `reading ${i}`,
      check: "signature",
      detail: i === 0 ? "<script>alert(1)</script> | `x`" : `reason ${i}`,
    }));
    const bad: AuditRun = { ...run, report: { ...run.report, status: "invalid", failures } };
    const md = formatAuditReport(bad, "markdown");
    expect(md).toMatch(/^# Sealtrail audit: INVALID/);
    expect(md).toContain("## Failures (70)");
    expect(md).toContain("| 70 | reading 69 | signature | reason 69 |");
    expect(md).toContain("\\<script\\>alert(1)\\</script\\> \\| \\`x\\`");
    const html = formatAuditReport(bad, "html");
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html.match(/<tr><td>\d+<\/td><td>reading/g)).toHaveLength(70);
    expect(JSON.parse(formatAuditReport(bad, "json")).report.failures).toHaveLength(70);
  });
});
