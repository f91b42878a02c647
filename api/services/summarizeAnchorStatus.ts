import { ANCHOR_STATUSES, type AnchorStatus, type AnchorRecord as BundleAnchor } from "#protocol";

/**
 * One status for a message: the furthest tier it reached on any anchor target (one verified anchor is
 * enough to prove it), `pending` while unbatched and `sealed` when batched but no target is configured.
 * @example summarizeAnchorStatus(7, [{ status: "included", … }, { status: "submitted", … }]) // "included"
 */
export function summarizeAnchorStatus(
  batchId: number | null,
  anchors: readonly BundleAnchor[],
): AnchorStatus {
  if (batchId === null) return "pending";
  let best = ANCHOR_STATUSES.indexOf("sealed");
  for (const a of anchors) best = Math.max(best, ANCHOR_STATUSES.indexOf(a.status));
  return ANCHOR_STATUSES[best]!;
}
