import type { AnchorTarget, EventStore } from "#gateway";
import { ANCHOR_STATUSES, type AnchorStatus } from "#protocol";

/**
 * The anchor tier of each batch, as summarizeAnchorStatus reports a message's: the furthest any configured
 * target reached, `sealed` when none has a record. One store query for all of them: a 30-day journey spans
 * thousands of batches. Records of targets no longer configured are ignored, as resolveAnchors ignores them.
 * @example (await anchorTiers(store, targets, [7, 8])).get(7) // "included"
 */
export async function anchorTiers(
  store: Pick<EventStore, "anchorsOfBatches">,
  targets: readonly AnchorTarget[],
  batchIds: Iterable<number>,
): Promise<Map<number, AnchorStatus>> {
  const ids = [...new Set(batchIds)];
  const records = await store.anchorsOfBatches(ids);
  const configured = new Set(targets.map((t) => `${t.chainId}:${t.contract.toLowerCase()}`));
  const sealed = ANCHOR_STATUSES.indexOf("sealed");
  const tiers = new Map<number, AnchorStatus>();
  for (const id of ids) {
    let best = sealed;
    for (const r of records.get(id) ?? []) {
      if (!configured.has(`${r.chainId}:${r.contract.toLowerCase()}`)) continue;
      best = Math.max(best, ANCHOR_STATUSES.indexOf(r.status as AnchorStatus));
    }
    tiers.set(id, ANCHOR_STATUSES[best]!);
  }
  return tiers;
}
