import { JsonRpcProvider, Wallet } from "ethers";
import type { ReadinessCheck } from "#api";
import type { AnchorTargetConfig } from "#config";
import { EthersAnchorChain } from "#gateway";
import { CliError, CliErrorCode } from "../errors.ts";

/** The configured anchor targets, each through its own RPC endpoint. */
export type ConnectedTargets = {
  /** One anchor chain per target (only when an anchorer key is given: the gateway signs with it). */
  chains: EthersAnchorChain[];
  /** Readiness: every target's RPC answers with the configured chain id, and the contract has code there. */
  check: ReadinessCheck;
  /**
   * At start: throws SERVICE_CONFIG when a reachable target serves another chain or has no contract at the
   * configured address (an anchor "sent" to an address without code would be mined and anchor nothing).
   * A target that does not answer is only logged: an outage delays anchoring, it is no reason not to start.
   */
  verifyReachable(onUnreachable: (index: number, reason: string) => void): Promise<void>;
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
  // Asked until the answer is yes; contract code never disappears (a chain reset is the anchorer's to see).
  const hasCode = targets.map(() => false);
  const checkTarget = async (i: number): Promise<void> => {
    const p = providers[i]!;
    const t = targets[i]!;
    const served = Number(await p.send("eth_chainId", []));
    // The URL is never repeated in a reason: hosted endpoints carry an API key in it.
    if (served !== t.chainId)
      throw new CliError(
        CliErrorCode.ServiceConfig,
        `anchor target ${i} serves chain ${served}, not ${t.chainId}`,
      );
    if (!hasCode[i]) {
      const code = (await p.send("eth_getCode", [t.contract, "latest"])) as string;
      if (code === "0x" || code === "")
        throw new CliError(
          CliErrorCode.ServiceConfig,
          `anchor target ${i}: no contract at ${t.contract} on chain ${t.chainId} (deploy first: sealtrail deploy)`,
        );
      hasCode[i] = true;
    }
  };
  return {
    chains,
    check: {
      name: "chain",
      probe: async () => void (await Promise.all(targets.map((_, i) => checkTarget(i)))),
    },
    verifyReachable: async (onUnreachable) => {
      await Promise.all(
        targets.map(async (_, i) => {
          let timer: NodeJS.Timeout | undefined;
          try {
            await Promise.race([
              checkTarget(i),
              new Promise<never>((_, reject) => {
                // ethers waits minutes for a blackholed endpoint; a start waits 5 s, then goes on without it.
                timer = setTimeout(() => reject(new Error("no answer within 5 s")), 5_000);
              }),
            ]);
          } catch (error) {
            if (error instanceof CliError) throw error;
            onUnreachable(i, error instanceof Error ? error.message : String(error));
          } finally {
            clearTimeout(timer);
          }
        }),
      );
    },
    destroy: () => {
      for (const p of providers) p.destroy();
    },
  };
}
