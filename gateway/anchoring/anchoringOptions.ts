import type { AnchoringSection } from "#config";
import type { Address } from "#protocol";
import type { AnchoringOptions } from "../createGateway.ts";
import type { AnchorTarget } from "../store/types.ts";

/**
 * The anchorer's options from the configuration's anchoring section. "redeploy" takes effect only where
 * the caller can deploy (`redeploy` given: the demo's local chain); elsewhere a new genesis halts.
 * @example new Gateway({ config: config.gateway, store, anchorChains, anchoring: anchoringOptions(config.anchoring) })
 */
export function anchoringOptions(
  section: AnchoringSection,
  can: { redeploy?: (target: AnchorTarget) => Promise<Address | "halt"> } = {},
): AnchoringOptions {
  return {
    finalityDepth: section.finalityDepth,
    fees: { maxFeePerGasCap: gweiToWei(section.maxFeePerGasGwei), bumpPercent: section.feeBumpPercent },
    stuckAfterMs: section.stuckAfterMs,
    maxRootsPerTx: section.maxRootsPerTx,
    intervalMs: section.intervalMs,
    onGenesisChange:
      section.onGenesisChange === "redeploy" && can.redeploy ? { redeploy: can.redeploy } : "halt",
  };
}

/** Gwei (fractions down to 1 wei) to wei; the schema caps the value far below where a double loses a wei. */
export function gweiToWei(gwei: number): bigint {
  return BigInt(Math.round(gwei * 1e9));
}
