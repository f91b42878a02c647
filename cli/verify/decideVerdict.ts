import { ANCHOR_STATUSES, type AnchorStatus } from "#protocol";
import type { AnchorVerification, Check, KeyVerification, MinStatus, Verdict } from "./types.ts";

const rank = (status: AnchorStatus) => ANCHOR_STATUSES.indexOf(status);

/**
 * The verdict of a verification. A bundle is valid only when every offline check passes, every anchor that
 * claims to be on chain (included/final) was verified there, and at least one verified anchor has reached
 * `minStatus`. A bundle the chain contradicts is invalid; one we could not check is unverified; one with
 * nothing on chain yet (pending/sealed/submitted) is not anchored yet. A signing key the registry shows revoked
 * before the anchoring (or never registered as the bundle says) makes it invalid; a registry that could not
 * be read leaves it unverified; a bundle naming no registry is judged without it (the report says so).
 * @example decideVerdict({ checks, merklePending: false, anchors, minStatus: "included" }).status // "valid"
 */
export function decideVerdict(input: {
  checks: readonly Check[];
  /** The bundle has no Merkle section yet (status pending). */
  merklePending: boolean;
  anchors: readonly AnchorVerification[];
  minStatus: MinStatus;
  /** The signing key's registry check, when one was made. */
  signingKey?: KeyVerification;
}): Verdict {
  const { checks, merklePending, anchors, minStatus, signingKey } = input;
  const failed = checks.filter((c) => !c.ok);
  const failedAnchors = anchors.filter((a) => a.result === "failed");
  const onlyPending = merklePending && failed.length === 1 && failed[0]!.name === "merkle proof";
  if (onlyPending && failedAnchors.length === 0) {
    return {
      status: "not-anchored",
      summary: "not anchored yet: the reading is not in a sealed batch (status pending)",
    };
  }
  if (failed.length > 0) {
    const first = failed[0]!;
    return {
      status: "invalid",
      summary: `${failed.map((c) => c.name).join(", ")} failed: ${first.detail}`,
    };
  }
  if (failedAnchors.length > 0) {
    const a = failedAnchors[0]!;
    const check = a.checks.find((c) => !c.ok);
    return {
      status: "invalid",
      summary: `anchor ${a.index + 1} (chain ${a.chainId}): ${check ? `${check.name}: ${check.detail}` : "contradicted by the chain"}`,
    };
  }
  if (signingKey?.result === "failed")
    return { status: "invalid", summary: `signing key: ${signingKey.detail}` };
  const unchecked = anchors.filter((a) => a.result === "unchecked");
  if (unchecked.length > 0) {
    const a = unchecked[0]!;
    const reason = a.checks.find((c) => !c.ok)?.detail ?? "not checked";
    return {
      status: "unverified",
      summary: `could not check anchor ${a.index + 1} (chain ${a.chainId}): ${reason}`,
    };
  }
  const verified = anchors.filter((a) => a.result === "verified");
  const qualifying = verified.filter((a) => rank(a.status) >= rank(minStatus));
  const best = qualifying[0];
  if (best !== undefined && signingKey?.result === "unchecked" && signingKey.registry !== null)
    return { status: "unverified", summary: `could not check the signing key: ${signingKey.detail}` };
  if (best !== undefined) {
    const when =
      best.blockTimestamp === null ? "" : ` at ${new Date(best.blockTimestamp * 1000).toISOString()}`;
    const depth = best.confirmations === null ? "" : `, ${best.confirmations} confirmation(s)`;
    return {
      status: "valid",
      summary: `anchored on chain ${best.chainId} in block ${best.blockNumber}${when} (status ${best.status}${depth})`,
    };
  }
  if (verified.length > 0) {
    return {
      status: "not-anchored",
      summary: `anchored (status ${verified[0]!.status}) but not ${minStatus} yet: fetch a fresh bundle later`,
    };
  }
  if (anchors.length === 0)
    return { status: "not-anchored", summary: "not anchored yet: the bundle lists no anchor" };
  return {
    status: "not-anchored",
    summary: `not anchored yet (status ${[...new Set(anchors.map((a) => a.status))].join(", ")})`,
  };
}
