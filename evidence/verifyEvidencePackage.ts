import { type Hex, prepareHashes, type SignatureVerifier } from "#protocol";
import { anchorChainOverRpc, readChainId } from "../cli/verify/anchorChainOverRpc.ts";
import { type AnchorOutcome, checkEvidenceAnchors, type EvidenceEndpoint } from "./checkEvidenceAnchors.ts";
import { type BatchSignatureVerifier, checkEvidenceSignatures } from "./checkEvidenceSignatures.ts";
import { decodeEvidenceMessages } from "./decodeEvidenceMessages.ts";
import type { EvidenceSubject } from "./evidencePackage.ts";
import { type FetchLike, fetchJsonRpc } from "./fetchJsonRpc.ts";
import { parseEvidencePackage } from "./parseEvidencePackage.ts";
import { type RecomputedJourney, recomputeJourney } from "./recomputeJourney.ts";
import {
  assembleOfflineEvidence,
  type EvidenceFailure,
  type EvidenceProgress,
  type VerifiedEvent,
  type VerifiedReading,
} from "./verifyEvidenceMessages.ts";

/** Version of the machine-readable report. */
export const EVIDENCE_REPORT_FORMAT = "sealtrail-evidence-report-v1";

export type VerifyEvidenceOptions = {
  /** ES256K verification (noble in a browser, libsecp256k1 in Node: see #protocol's verifiers). */
  verifier: SignatureVerifier;
  /**
   * Or the signatures checked elsewhere, many at a time (the product page spreads them over helper
   * workers); `verifier` still names the implementation. Without it they are checked on this thread.
   */
  batchVerifier?: BatchSignatureVerifier;
  /** JSON-RPC endpoints; every one serving an anchor's chain must confirm it. */
  rpcUrls?: readonly string[];
  /** How to reach them: the global `fetch` unless given. */
  fetch?: FetchLike;
  /** Or endpoints opened by the caller (the CLI's node:http client); used instead of rpcUrls. */
  endpoints?: readonly EvidenceEndpoint[];
  /** Upper bound of one RPC call, ms (default 10 s). */
  rpcTimeoutMs?: number;
  onProgress?: (progress: EvidenceProgress) => void;
};

/**
 * `valid`: everything checked out and every batch is anchored (verified on chain); `invalid`: something
 * failed; `unverified`: nothing failed but an anchor could not be checked (RPC down, none given);
 * `not-anchored`: nothing failed but some messages or batches are not on chain yet.
 */
export type EvidenceStatus = "valid" | "invalid" | "unverified" | "not-anchored";

export type EvidenceReport = {
  format: typeof EVIDENCE_REPORT_FORMAT;
  subject: EvidenceSubject | null;
  status: EvidenceStatus;
  /** One line: "96 of 96 readings and 4 of 4 events verified; anchored on chain 31337, block 12, final". */
  summary: string;
  readings: { total: number; verified: number; pending: number };
  events: { total: number; verified: number; pending: number; hidden: number };
  batches: { total: number; proven: number; anchored: number };
  anchors: AnchorOutcome[];
  journey: RecomputedJourney | null;
  failures: EvidenceFailure[];
};

/** The report, with what verified as the signed bytes say it (for display: never the server's copy). */
export type EvidenceVerification = {
  report: EvidenceReport;
  readings: VerifiedReading[];
  events: VerifiedEvent[];
};

/**
 * Verifies a `sealtrail-evidence-v1` package: shape, every signature by the keys it carries, one
 * multiproof per batch, each batch's anchors on every given RPC endpoint (which must agree), then
 * completeness and the cold-chain verdict recomputed from verified readings only. The multiproofs are
 * checked first (hashing only), so the proven roots' anchors are read from the chain while the signatures
 * are being checked: the round trips cost no time of their own. Runs in a browser worker
 * and in Node (no Node built-ins: RPC through `fetch`, signatures through the injected verifier). Never
 * throws for what the package says: a package that does not parse is an `invalid` report naming why.
 * @example const { report } = await verifyEvidencePackage(JSON.parse(text), { verifier: nobleVerifier, rpcUrls: ["http://127.0.0.1:8545"] })
 */
export async function verifyEvidencePackage(
  value: unknown,
  options: VerifyEvidenceOptions,
): Promise<EvidenceVerification> {
  const onProgress = options.onProgress ?? (() => {});
  // keccak256 through WebAssembly is ~8x the pure-JS speed, and a package means ~4 hashes per reading.
  // Where WebAssembly is unavailable (a CSP without 'wasm-unsafe-eval') the pure-JS hashers carry on.
  await prepareHashes();
  let pkg: ReturnType<typeof parseEvidencePackage>;
  try {
    pkg = parseEvidencePackage(value);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const failures = [{ subject: "package", check: "format", detail }];
    return { report: emptyReport(failures, `invalid: ${detail}`), readings: [], events: [] };
  }
  const decoded = decodeEvidenceMessages(pkg, onProgress);
  const endpoints = options.endpoints ?? fetchEndpoints(options);
  const anchorsChecked = checkEvidenceAnchors(pkg.batches, decoded.provenRoots, endpoints, onProgress);
  let signatures: Awaited<ReturnType<typeof checkEvidenceSignatures>>;
  try {
    signatures = await checkEvidenceSignatures(decoded, {
      verifier: options.verifier,
      ...(options.batchVerifier ? { batchVerifier: options.batchVerifier } : {}),
      onProgress,
    });
  } catch (error) {
    // The anchor reads still finish (and close their endpoints) before the caller hears of the failure.
    await anchorsChecked.catch(() => {});
    throw error;
  }
  const offline = assembleOfflineEvidence(decoded, signatures);
  const anchors = await anchorsChecked;
  const provenHidden = new Set<Hex>();
  for (const b of pkg.batches)
    if (offline.provenRoots.has(b.root.toLowerCase() as Hex))
      for (const id of b.hidden) provenHidden.add(id.toLowerCase() as Hex);
  onProgress({ phase: "journey", done: 0, total: 1 });
  const journey = recomputeJourney(
    pkg,
    offline.readings.verified,
    offline.events.verified,
    provenHidden,
    offline.failures,
  );
  onProgress({ phase: "journey", done: 1, total: 1 });

  const failures = [...offline.failures];
  for (const a of anchors)
    if (a.result === "failed")
      failures.push({
        subject: `anchor of ${a.root} on chain ${a.anchor.chainId}`,
        check: "anchor",
        detail: a.detail,
      });
  const anchoredRoots = new Set<Hex>();
  for (const a of anchors) if (a.result === "verified") anchoredRoots.add(a.root);
  const inAnchored = (r: { root: Hex | null }) => r.root !== null && anchoredRoots.has(r.root);
  const report: EvidenceReport = {
    format: EVIDENCE_REPORT_FORMAT,
    subject: pkg.subject,
    status: "valid",
    summary: "",
    readings: {
      total: offline.readings.total,
      verified: offline.readings.verified.filter((r) => r.root !== null).length,
      pending: pkg.pending.readings.length,
    },
    events: {
      total: offline.events.total,
      verified: offline.events.verified.filter((e) => e.root !== null).length,
      pending: pkg.pending.events.length,
      hidden: offline.events.hidden.length,
    },
    batches: { total: pkg.batches.length, proven: offline.provenRoots.size, anchored: anchoredRoots.size },
    anchors,
    journey,
    failures,
  };
  report.status = decideStatus(
    report,
    offline.readings.verified.every(inAnchored) && offline.events.verified.every(inAnchored),
  );
  report.summary = summarize(report);
  return { report, readings: offline.readings.verified, events: offline.events.verified };
}

function fetchEndpoints(options: VerifyEvidenceOptions): EvidenceEndpoint[] {
  const fetch = options.fetch ?? (globalThis.fetch as unknown as FetchLike);
  return (options.rpcUrls ?? []).map((url) => {
    const label = describeUrl(url);
    const call = fetchJsonRpc(url, fetch, { label, timeoutMs: options.rpcTimeoutMs ?? 10_000 });
    return { label, open: async () => anchorChainOverRpc(label, await readChainId(call), call) };
  });
}

/** The endpoint as printed: origin and path, never credentials or a query (API keys live there). */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === "/" ? "" : "/…"}`;
  } catch {
    return "(invalid URL)";
  }
}

function decideStatus(report: EvidenceReport, everyMessageAnchored: boolean): EvidenceStatus {
  if (report.failures.length > 0) return "invalid";
  if (report.anchors.some((a) => a.result === "unchecked")) return "unverified";
  if (!everyMessageAnchored || report.readings.pending + report.events.pending > 0) return "not-anchored";
  return "valid";
}

function summarize(r: EvidenceReport): string {
  const counts = `${r.readings.verified} of ${r.readings.total} readings and ${r.events.verified} of ${r.events.total} events verified`;
  if (r.status === "invalid") {
    const f = r.failures[0]!;
    return `${counts}; verification FAILED (${r.failures.length} failure${r.failures.length === 1 ? "" : "s"}): ${f.subject}: ${f.check}: ${f.detail}`;
  }
  const verified = r.anchors.filter((a) => a.result === "verified");
  const chains = [...new Set(verified.map((a) => a.anchor.chainId))];
  const blocks = verified.map((a) => a.anchor.blockNumber!).sort((a, b) => a - b);
  const where =
    verified.length === 0
      ? ""
      : `; anchored on chain ${chains.join(", ")}, block${blocks.length > 1 ? "s" : ""} ${blocks[0]}${blocks.length > 1 ? `–${blocks.at(-1)}` : ""}, ${verified.every((a) => a.anchor.status === "final") ? "final" : "included"}`;
  if (r.status === "unverified") {
    const a = r.anchors.find((x) => x.result === "unchecked")!;
    return `${counts}${where}; could not check the anchor: ${a.detail}`;
  }
  if (r.status === "not-anchored") {
    const pending = r.readings.pending + r.events.pending;
    return `${counts}${where}; not anchored yet: ${pending > 0 ? `${pending} message(s) not in a sealed batch` : "some batches are not on chain yet"}`;
  }
  return `${counts}${where}`;
}

function emptyReport(failures: EvidenceFailure[], summary: string): EvidenceReport {
  return {
    format: EVIDENCE_REPORT_FORMAT,
    subject: null,
    status: "invalid",
    summary,
    readings: { total: 0, verified: 0, pending: 0 },
    events: { total: 0, verified: 0, pending: 0, hidden: 0 },
    batches: { total: 0, proven: 0, anchored: 0 },
    anchors: [],
    journey: null,
    failures,
  };
}
