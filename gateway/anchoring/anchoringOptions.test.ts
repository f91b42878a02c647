import { describe, expect, it } from "@jest/globals";
import { loadConfig } from "#config";
import { anchoringOptions, gweiToWei } from "./anchoringOptions.ts";

describe("anchoring options from the configuration", () => {
  it("converts the fee cap from gwei to wei, fractions included", () => {
    expect(gweiToWei(2)).toBe(2_000_000_000n);
    expect(gweiToWei(0.05)).toBe(50_000_000n);
    expect(gweiToWei(0.000000001)).toBe(1n);
  });

  it("carries every policy key, and redeploys only where the caller can deploy", () => {
    const { config } = loadConfig({
      env: { SEALTRAIL_MAX_FEE_PER_GAS_GWEI: "0.5", SEALTRAIL_MAX_ROOTS_PER_TX: "8" },
      profile: "demo",
    });
    const redeploy = async () => "halt" as const;
    expect(anchoringOptions(config.anchoring, { redeploy })).toEqual({
      finalityDepth: 3,
      fees: { maxFeePerGasCap: 500_000_000n, bumpPercent: 25 },
      stuckAfterMs: 10_000,
      maxRootsPerTx: 8,
      intervalMs: 1000,
      onGenesisChange: { redeploy },
    });
    expect(anchoringOptions(config.anchoring).onGenesisChange).toBe("halt");
    expect(anchoringOptions(loadConfig({}).config.anchoring, { redeploy }).onGenesisChange).toBe("halt");
  });
});
