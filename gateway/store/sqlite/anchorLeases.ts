// Anchoring leases (schema 7): which gateway anchors on a target, so gateways sharing one store never sign
// the same roots twice (issue #14: a second transaction for a known root is skipped by the contract, but
// its fee is paid).
import type Database from "better-sqlite3";
import type { AnchorTarget } from "../types.ts";

/** One row per target: the gateway that anchors there until `expires_at` (ms), unless it renews. */
export const ANCHOR_LEASES_SQL = `
CREATE TABLE IF NOT EXISTS anchor_leases (
  chain_id   INTEGER NOT NULL,
  contract   TEXT NOT NULL,
  holder     TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (chain_id, contract)
) STRICT;`;

/**
 * Takes the target's lease for `holder` until `now + leaseMs`, or renews it; true when `holder` holds it
 * after the call. One statement: SQLite's write lock makes the check and the write one step, so two
 * gateways on one file can never both take a free or expired lease. `leaseMs` 0 gives it up.
 */
export function claimAnchoring(
  db: Database.Database,
  target: AnchorTarget,
  holder: string,
  now: number,
  leaseMs: number,
): boolean {
  return (
    db
      .prepare(
        `INSERT INTO anchor_leases (chain_id, contract, holder, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (chain_id, contract) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
         WHERE anchor_leases.holder = excluded.holder OR anchor_leases.expires_at <= ?`,
      )
      .run(target.chainId, target.contract, holder, now + leaseMs, now).changes === 1
  );
}
