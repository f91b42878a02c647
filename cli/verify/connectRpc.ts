import { FetchRequest, JsonRpcProvider, type Network } from "ethers";
import type { Hex } from "#protocol";
import { CliError, CliErrorCode } from "../errors.ts";
import type { AnchorChain } from "./anchorChain.ts";
import { anchorVerifierInterface } from "./anchorContract.ts";
import { describeRpcUrl } from "./describeRpcUrl.ts";

export const DEFAULT_RPC_TIMEOUT_MS = 15_000;

/** The readable reason of a network or RPC failure (ethers errors carry `shortMessage`). */
export function rpcErrorReason(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const e = error as { shortMessage?: unknown; message?: unknown };
    if (typeof e.shortMessage === "string") return e.shortMessage;
    if (typeof e.message === "string") return e.message;
  }
  return String(error);
}

/**
 * Connects to a JSON-RPC endpoint with ethers and reads its chain id once, failing fast with
 * RPC_UNREACHABLE. (A JsonRpcProvider left to detect its network itself retries forever and prints to the
 * console; here the network is detected once and then pinned.)
 * @example const chain = await connectRpc("http://127.0.0.1:8545"); chain.chainId // 31337n
 */
export async function connectRpc(url: string, options: { timeoutMs?: number } = {}): Promise<AnchorChain> {
  const label = describeRpcUrl(url);
  const request = new FetchRequest(url);
  request.timeout = options.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
  const probe = new JsonRpcProvider(request.clone(), undefined, { staticNetwork: true, batchMaxCount: 1 });
  let network: Network;
  try {
    network = await probe._detectNetwork();
  } catch (cause) {
    throw new CliError(CliErrorCode.RpcUnreachable, `cannot reach RPC ${label}: ${rpcErrorReason(cause)}`, {
      cause,
    });
  } finally {
    probe.destroy();
  }
  const provider = new JsonRpcProvider(request, network, { staticNetwork: network, batchMaxCount: 1 });
  const anchorAbi = anchorVerifierInterface();
  return {
    label,
    chainId: network.chainId,
    getTransactionReceipt: (txHash) => provider.getTransactionReceipt(txHash),
    getBlock: (blockNumber) => provider.getBlock(blockNumber),
    getBlockNumber: () => provider.getBlockNumber(),
    async anchoredAt(contract: Hex, root: Hex) {
      const data = await provider.call({
        to: contract,
        data: anchorAbi.encodeFunctionData("anchoredAt", [root]),
      });
      if (data === "0x") return null;
      return anchorAbi.decodeFunctionResult("anchoredAt", data)[0] as bigint;
    },
    close: () => provider.destroy(),
  };
}
