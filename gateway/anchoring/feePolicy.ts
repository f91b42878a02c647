import type { Fees } from "./chain.ts";

export type FeePolicy = {
  /** Never pay more than this per gas (wei). */
  maxFeePerGasCap: bigint;
  /** Each replacement raises both fees by at least this percentage (nodes require >= 10). */
  bumpPercent: number;
};

const percent = (value: bigint, pct: number) => (value * BigInt(100 + pct)) / 100n;
const min = (a: bigint, b: bigint) => (a < b ? a : b);
const max = (a: bigint, b: bigint) => (a > b ? a : b);

/** Fees for a first transaction: what the node suggests, capped. */
export function initialFees(suggested: Fees, policy: FeePolicy): Fees {
  const maxFeePerGas = min(suggested.maxFeePerGas, policy.maxFeePerGasCap);
  return { maxFeePerGas, maxPriorityFeePerGas: min(suggested.maxPriorityFeePerGas, maxFeePerGas) };
}

/** Nodes (geth, EDR) accept a replacement only if both fees rise by at least this percentage. */
export const MIN_REPLACEMENT_BUMP_PERCENT = 10;

/**
 * Fees for a replacement of a stuck transaction: at least `bumpPercent` above the previous ones and at
 * least the current suggestion, capped. Undefined when the cap leaves no room for a replacement nodes
 * would accept (less than 10% above the previous fees): the caller alerts instead of overpaying.
 */
export function bumpedFees(previous: Fees, suggested: Fees, policy: FeePolicy): Fees | undefined {
  const floor = percent(previous.maxFeePerGas, MIN_REPLACEMENT_BUMP_PERCENT);
  if (floor > policy.maxFeePerGasCap) return undefined;
  const maxFeePerGas = min(
    max(percent(previous.maxFeePerGas, policy.bumpPercent), suggested.maxFeePerGas),
    policy.maxFeePerGasCap,
  );
  const tipFloor = percent(previous.maxPriorityFeePerGas, MIN_REPLACEMENT_BUMP_PERCENT);
  const tip = min(
    max(percent(previous.maxPriorityFeePerGas, policy.bumpPercent), suggested.maxPriorityFeePerGas),
    maxFeePerGas,
  );
  if (tip < tipFloor) return undefined;
  return { maxFeePerGas, maxPriorityFeePerGas: tip };
}
