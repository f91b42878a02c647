// Anchoring leases, as SQLite's `anchor_leases` table (see sqlite/anchorLeases.ts): one document per target.
import type { AnchorTarget } from "../types.ts";
import type { Collections } from "./documents.ts";

/**
 * Takes or renews the target's lease for `holder`; true when `holder` holds it after the call. The filter
 * matches only a lease this holder may take; when it matches nothing the upsert inserts the target's `_id`
 * again, which the unique `_id` refuses (duplicate key): another gateway holds a live lease.
 */
export async function claimAnchoring(
  c: Collections,
  target: AnchorTarget,
  holder: string,
  now: number,
  leaseMs: number,
): Promise<boolean> {
  try {
    await c.anchorLeases.updateOne(
      { _id: `${target.chainId}:${target.contract}`, $or: [{ holder }, { expiresAt: { $lte: now } }] },
      { $set: { holder, expiresAt: now + leaseMs } },
      { upsert: true },
    );
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 11000) return false;
    throw error;
  }
}
