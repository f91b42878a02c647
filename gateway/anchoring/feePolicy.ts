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

/**
 * Fees for a replacement of a stuck transaction: at least `bumpPercent` above the previous ones (what
 * nodes demand to accept a replacement) and at least the current suggestion, capped. Undefined when
 * the previous fee cap already sat at the policy cap: replacing would not raise it, so the caller
 * alerts instead of overpaying.
 */
export function bumpedFees(previous: Fees, suggested: Fees, policy: FeePolicy): Fees | undefined {
  if (previous.maxFeePerGas >= policy.maxFeePerGasCap) return undefined;
  const maxFeePerGas = min(
    max(percent(previous.maxFeePerGas, policy.bumpPercent), suggested.maxFeePerGas),
    policy.maxFeePerGasCap,
  );
  const tip = min(
    max(percent(previous.maxPriorityFeePerGas, policy.bumpPercent), suggested.maxPriorityFeePerGas),
    maxFeePerGas,
  );
  return { maxFeePerGas, maxPriorityFeePerGas: tip };
}
