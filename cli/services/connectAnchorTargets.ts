import { JsonRpcProvider, Wallet } from "ethers";
import type { ReadinessCheck } from "#api";
import type { AnchorTargetConfig } from "#config";
import { EthersAnchorChain } from "#gateway";

/** The configured anchor targets, each through its own RPC endpoint. */
export type ConnectedTargets = {
  /** One anchor chain per target (only when an anchorer key is given: the gateway signs with it). */
  chains: EthersAnchorChain[];
  /** A readiness probe per target: its RPC answers eth_chainId with the configured chain id. */
  check: ReadinessCheck;
  /** Ends every provider's polling. */
  destroy(): void;
};

/**
 * Connects to every anchor target of the configuration. Nothing is asked of the endpoints here (a chain
 * that is down at start only delays anchoring, invariant 2); /readyz says whether they answer.
 * @example const t = connectAnchorTargets(config.anchoring.targets, config.anchoring.anchorerKey)
 */
export function connectAnchorTargets(
  targets: readonly AnchorTargetConfig[],
  anchorerKey: string | undefined,
): ConnectedTargets {
  // No request cache: ethers would otherwise answer a nonce read with a stale value right after a send.
  const providers = targets.map(
    (t) => new JsonRpcProvider(t.rpcUrl, t.chainId, { staticNetwork: true, cacheTimeout: -1 }),
  );
  const chains =
    anchorerKey === undefined
      ? []
      : targets.map(
          (t, i) =>
            new EthersAnchorChain({
              provider: providers[i]!,
              wallet: new Wallet(anchorerKey),
              chainId: t.chainId,
              contract: t.contract,
              fromBlock: t.fromBlock,
            }),
        );
  return {
    chains,
    check: {
      name: "chain",
      probe: async () => {
        await Promise.all(
          providers.map(async (p, i) => {
            const served = Number(await p.send("eth_chainId", []));
            const wanted = targets[i]!.chainId;
            // The URL is not repeated in the reason: hosted endpoints carry an API key in it.
            if (served !== wanted) throw new Error(`target ${i} serves chain ${served}, not ${wanted}`);
          }),
        );
      },
    },
    destroy: () => {
      for (const p of providers) p.destroy();
    },
  };
}
