import { createHash } from "node:crypto";
import { type EvidenceReport, type VerifyEvidenceOptions, verifyEvidencePackage } from "#evidence";
import { AUDIT_STATE_FORMAT, type AuditState, loadAuditState, writeAuditState } from "./auditState.ts";
import { combineSliceOutcomes } from "./combineSliceOutcomes.ts";
import { createPartPool } from "./partPool.ts";
import { type AuditSlice, planAuditSlices } from "./planAuditSlices.ts";
import { type SliceOutcome, slicePackage, verifyAuditSlice } from "./verifyAuditSlice.ts";

/** Version of the audit report file (`--report`): the verifier's report plus how the audit was run. */
export const AUDIT_REPORT_FORMAT = "sealtrail-audit-report-v1";

/** Readings per part of a device-window audit (about 2 s of verification on the 2 shared cores). */
export const DEFAULT_SLICE_READINGS = 10_000;

export type AuditRun = {
  format: typeof AUDIT_REPORT_FORMAT;
  /** The target as given on the command line. */
  target: string;
  /** The package verified: its SHA-256 names it (keep the package file with the report). */
  package: { sha256: string; bytes: number; file: string | null; generatedAt: unknown };
  verifier: string;
  rpc: string[];
  startedAt: string;
  finishedAt: string;
  /** How the audit was cut, and how much of it an earlier, interrupted run had done. */
  parts: { total: number; resumed: number; verifiedNow: number; sliceReadings: number | null };
  /** Wall time of this run's verification (not of the resumed parts), seconds. */
  seconds: number;
  /** CPU time of this process so far (every thread, start-up included), seconds: on a shared machine the
   * wall time says how busy it was, this what the audit cost. */
  processCpuSeconds: number;
  report: EvidenceReport;
};

export type RunAuditOptions = {
  text: string;
  target: string;
  /** Where the package's bytes are kept (the file audited, or --save / the resume copy), null if nowhere. */
  packageFile: string | null;
  verify: VerifyEvidenceOptions;
  sliceReadings?: number;
  /** Resume from and record progress in this file. */
  stateFile?: string;
  /** Stops between parts (the state then holds every part done). */
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** After each part (tests interrupt here). */
  onPart?: (done: number, total: number) => void;
  /** Verify parts on this many worker threads (each with its own connections to these RPC URLs). */
  threads?: { count: number; rpcUrls: string[]; rpcTimeoutMs: number };
};

/**
 * Starting a thread costs ~1.5 s of loading on the shared 2-core machine (tsx, the verifier, WebAssembly):
 * measured by bench:audit, 2 parts on 2 threads were slower than in-process, 10 parts much faster.
 */
const MIN_PARTS_FOR_THREADS = 4;

/** SHA-256 of a package's text, hex: what a state and a report name the package by. */
export const packageHash = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * Audits one package: cut into parts (planAuditSlices), each verified by #evidence's verifier, progress
 * written to the state file after every part, the parts combined into one report. With a state file from an
 * earlier run over the same package (same SHA-256) the parts it holds are not verified again. Returns
 * "interrupted" when `signal` aborts between parts.
 * @example const run = await runAudit({ text, target: file, packageFile: file, verify: { verifier, endpoints } })
 */
export async function runAudit(o: RunAuditOptions): Promise<AuditRun | "interrupted"> {
  const log = o.log ?? (() => {});
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const sha256 = packageHash(o.text);
  let value: unknown;
  try {
    value = JSON.parse(o.text);
  } catch {
    value = undefined; // the verifier reports it as "not a package"
  }
  const sliceReadings = o.sliceReadings ?? DEFAULT_SLICE_READINGS;
  const plan = planAuditSlices(value, sliceReadings);
  log(
    `package ${sha256.slice(0, 12)}… (${Buffer.byteLength(o.text)} bytes) read and cut into ${plan.kind === "slices" ? plan.slices.length : 1} part(s) in ${Math.round(performance.now() - t0)} ms`,
  );
  const slices = plan.kind === "slices" ? plan.slices : [];
  const total = Math.max(1, slices.length);

  let state: AuditState = {
    format: AUDIT_STATE_FORMAT,
    target: o.target,
    package: { sha256, bytes: Buffer.byteLength(o.text), file: o.packageFile },
    sliceReadings,
    slices: total,
    startedAt,
    done: [],
    whole: null,
  };
  if (o.stateFile !== undefined) {
    const loaded = loadAuditState(o.stateFile, { sha256, sliceReadings, slices: total });
    if (loaded.state) {
      state = { ...loaded.state, package: { ...loaded.state.package, file: o.packageFile } };
      log(
        `resuming: ${state.whole ? 1 : state.done.length} of ${total} part(s) verified earlier against package sha256 ${sha256}`,
      );
    } else log(`starting the audit afresh: ${loaded.reason}`);
    writeAuditState(o.stateFile, state);
  }
  const resumed = state.whole ? 1 : state.done.length;

  let report: EvidenceReport;
  if (plan.kind === "whole") {
    if (state.whole) report = state.whole;
    else {
      if (o.signal?.aborted) return "interrupted";
      report = (await verifyEvidencePackage(value, o.verify)).report;
      state.whole = report;
      if (o.stateFile !== undefined) writeAuditState(o.stateFile, state);
    }
    o.onPart?.(1, 1);
  } else {
    const pkg = value as Record<string, unknown>;
    const doneIndexes = new Set(state.done.map((d) => d.index));
    const todo = slices.filter((slice) => !doneIndexes.has(slice.index));
    const pool =
      o.threads && o.threads.count > 1 && todo.length >= MIN_PARTS_FOR_THREADS
        ? createPartPool(Math.min(o.threads.count, todo.length), o.threads)
        : null;
    const verifyPart = (slice: AuditSlice): Promise<SliceOutcome> =>
      pool
        ? pool.verify(JSON.stringify(slicePackage(pkg, slice)), slice)
        : verifyAuditSlice(slicePackage(pkg, slice), slice, o.verify);
    // Parts run `threads` at a time; each is recorded as it finishes, so an interruption loses only what
    // was in flight, and Ctrl-C lets those finish before stopping.
    let next = 0;
    const lane = async () => {
      while (next < todo.length && !o.signal?.aborted) {
        const slice = todo[next++]!;
        const outcome = await verifyPart(slice);
        state.done.push(outcome);
        if (o.stateFile !== undefined) writeAuditState(o.stateFile, state);
        log(
          `part ${slice.index + 1}/${total} ${new Date(slice.from).toISOString()} – ${new Date(slice.to).toISOString()}: ${outcome.status}, ${outcome.readingsVerified} readings in ${outcome.ms} ms`,
        );
        o.onPart?.(state.done.length, total);
      }
    };
    try {
      await Promise.all(Array.from({ length: pool ? Math.min(o.threads!.count, todo.length) : 1 }, lane));
    } finally {
      await pool?.close();
    }
    if (state.done.length < total) return "interrupted";
    report = combineSliceOutcomes(pkg, state.done);
  }
  const cpu = process.cpuUsage();
  return {
    format: AUDIT_REPORT_FORMAT,
    target: o.target,
    package: {
      sha256,
      bytes: state.package.bytes,
      file: o.packageFile,
      generatedAt: (value as { generatedAt?: unknown } | undefined)?.generatedAt ?? null,
    },
    verifier: o.verify.verifier.name,
    rpc: (o.verify.endpoints ?? []).map((e) => e.label).concat(o.verify.rpcUrls ?? []),
    startedAt: state.startedAt,
    finishedAt: new Date().toISOString(),
    parts: {
      total,
      resumed,
      verifiedNow: total - resumed,
      sliceReadings: plan.kind === "slices" ? sliceReadings : null,
    },
    seconds: Math.round(performance.now() - t0) / 1000,
    processCpuSeconds: Math.round((cpu.user + cpu.system) / 1000) / 1000,
    report,
  };
}
