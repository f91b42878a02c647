import { z } from "zod";
import { setting } from "../setting.ts";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected a 0x-prefixed 20-byte address");

/** One anchor contract on one chain, reached through an RPC endpoint. */
export const anchorTargetSchema = z.strictObject({
  rpcUrl: setting(
    z.url({ protocol: /^(https?|wss?)$/ }),
    "JSON-RPC endpoint of the chain; hosted endpoints carry an API key in the URL, so it is printed without path, query and user info",
    { secret: "url" },
  ),
  chainId: z.coerce.number().int().min(1).describe("Chain id the endpoint must serve"),
  contract: address.describe("Address of the SealtrailAnchor contract on that chain"),
  fromBlock: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    .describe(
      "Block the contract was deployed in: anchor events are searched from there (public endpoints cap log ranges)",
    ),
});

export type AnchorTargetConfig = z.infer<typeof anchorTargetSchema>;

/**
 * The anchorer and its policy: where roots are anchored, what it may pay, when a stuck transaction is
 * replaced and when an anchor counts as final (docs/operations.md, "Batching and anchoring").
 */
export const anchoringSection = z.strictObject({
  targets: setting(
    z.array(anchorTargetSchema).default([]),
    "Anchor targets, a JSON list of {rpcUrl, chainId, contract, fromBlock}; every root is anchored on each. The demo anchors on its local chain and on these too; the anchorer key needs funds and the anchorer role on each",
    { env: "SEALTRAIL_ANCHOR_TARGETS", format: "json", secret: "url" },
  ),
  anchorerKey: setting(
    z
      .string()
      .regex(/^0x[0-9a-fA-F]{64}$/, "expected a 0x-prefixed 32-byte private key")
      .optional(),
    "Private key of the anchorer account that signs anchor transactions; the demo generates one and keeps it in <dataDir>/anchorer.key when unset",
    { env: "SEALTRAIL_ANCHORER_KEY", secret: "value" },
  ),
  finalityDepth: setting(
    z.coerce.number().int().min(1).max(10_000).default(10),
    "Blocks (the inclusion block counted) after which an anchor is reported final",
    { env: "SEALTRAIL_FINALITY_DEPTH", demo: 3 },
  ),
  maxFeePerGasGwei: setting(
    z.coerce.number().positive().max(1_000_000).default(2),
    "Never pay more than this per gas, gwei (fractions allowed: OP-stack base fees are often below 0.01 gwei); a stuck transaction at the cap raises the ANCHOR_FEE_CAP_REACHED alert instead",
    { env: "SEALTRAIL_MAX_FEE_PER_GAS_GWEI", demo: 100 },
  ),
  feeBumpPercent: setting(
    z.coerce.number().int().min(10).max(1000).default(25),
    "A replacement raises fee cap and tip by this much, percent (nodes accept a replacement only from 10 up); it keeps the replaced transaction's gas limit",
    { env: "SEALTRAIL_FEE_BUMP_PERCENT" },
  ),
  stuckAfterMs: setting(
    z.coerce.number().int().min(100).default(180_000),
    "A transaction not mined after this long is replaced under the same nonce with bumped fees, ms",
    { env: "SEALTRAIL_STUCK_AFTER_MS", demo: 10_000 },
  ),
  maxRootsPerTx: setting(
    z.coerce.number().int().min(1).max(1024).default(64),
    "Roots anchored by one anchorBatch transaction at most",
    { env: "SEALTRAIL_MAX_ROOTS_PER_TX" },
  ),
  intervalMs: setting(
    z.coerce.number().int().min(100).default(1000),
    "How often the anchorer looks for sealed batches, receipts and stuck transactions, ms",
    { env: "SEALTRAIL_ANCHOR_INTERVAL_MS" },
  ),
  onGenesisChange: setting(
    z.enum(["halt", "redeploy"]).default("halt"),
    "When a target's block 0 changes (its chain was reset or the RPC points elsewhere): halt anchoring there with the CHAIN_GENESIS_CHANGED alert, or redeploy and re-anchor every root (only the demo's own local chain can be redeployed; other targets halt)",
    { env: "SEALTRAIL_ON_GENESIS_CHANGE", demo: "redeploy" },
  ),
});

export type AnchoringSection = z.infer<typeof anchoringSection>;
