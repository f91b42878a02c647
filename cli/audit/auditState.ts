import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { EvidenceReport } from "#evidence";
import { CliError, CliErrorCode } from "../errors.ts";
import type { SliceOutcome } from "./verifyAuditSlice.ts";

/** Version of the resume state file. Another version is never read: the audit starts over. */
export const AUDIT_STATE_FORMAT = "sealtrail-audit-state-v1";

/**
 * What an interrupted audit has done so far. Every part's outcome is tied to the package it came from by
 * the package's SHA-256 (of its bytes as read or fetched) and to the cut (`sliceReadings`, `slices`): a
 * changed package or a different cut makes the whole state worthless, never partly reusable.
 */
export type AuditState = {
  format: typeof AUDIT_STATE_FORMAT;
  target: string;
  package: { sha256: string; bytes: number; file: string | null };
  sliceReadings: number;
  slices: number;
  startedAt: string;
  /** The parts of a device window verified so far. */
  done: SliceOutcome[];
  /** A package verified in one piece (item, lot, shipment, small window): its report once finished. */
  whole: EvidenceReport | null;
};

/** Why a state file was not used (printed), or the state to go on from. */
export type LoadedState = { state: AuditState } | { state: null; reason: string };

/**
 * Reads a state file, and keeps it only when it belongs to this package (same SHA-256) and this cut.
 * @example const loaded = loadAuditState("audit.state.json", sha256, 10_000, 11)
 */
export function loadAuditState(
  file: string,
  expect: { sha256: string; sliceReadings: number; slices: number },
): LoadedState {
  if (!existsSync(file)) return { state: null, reason: "no state file yet" };
  let state: AuditState;
  try {
    state = JSON.parse(readFileSync(file, "utf8")) as AuditState;
  } catch (cause) {
    throw new CliError(CliErrorCode.ReadFailed, `cannot read the state file ${file}: ${String(cause)}`, {
      cause,
    });
  }
  if (state?.format !== AUDIT_STATE_FORMAT || !Array.isArray(state.done) || state.whole === undefined)
    return { state: null, reason: `${file} is not a ${AUDIT_STATE_FORMAT} file` };
  if (state.package?.sha256 !== expect.sha256)
    return {
      state: null,
      reason: `the package changed since ${file} was written (sha256 ${short(state.package?.sha256)} then, ${short(expect.sha256)} now)`,
    };
  if (state.sliceReadings !== expect.sliceReadings || state.slices !== expect.slices)
    return { state: null, reason: `${file} cut the audit differently (${state.slices} parts)` };
  return { state };
}

/** The package file a state names, when it still holds the package the state was made from. */
export function savedPackageOf(file: string): { file: string; sha256: string } | null {
  try {
    const state = JSON.parse(readFileSync(file, "utf8")) as AuditState;
    if (state?.format !== AUDIT_STATE_FORMAT || typeof state.package?.file !== "string") return null;
    return { file: state.package.file, sha256: state.package.sha256 };
  } catch {
    return null;
  }
}

/**
 * Writes the state so that a kill at any moment leaves the old state or the new one, never half of one:
 * a temporary file beside it, then an atomic rename.
 * @example writeAuditState("audit.state.json", state)
 */
export function writeAuditState(file: string, state: AuditState): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(state)}\n`);
    renameSync(tmp, file);
  } catch (cause) {
    throw new CliError(CliErrorCode.WriteFailed, `cannot write the state file ${file}: ${String(cause)}`, {
      cause,
    });
  }
}

const short = (hash: unknown) => (typeof hash === "string" ? `${hash.slice(0, 12)}…` : "none");
