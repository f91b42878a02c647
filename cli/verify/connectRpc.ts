import { CliError, CliErrorCode } from "../errors.ts";
import type { AnchorChain } from "./anchorChain.ts";
import { anchorChainOverRpc, readChainId } from "./anchorChainOverRpc.ts";
import { describeRpcUrl } from "./describeRpcUrl.ts";
import { createJsonRpcClient } from "./jsonRpcClient.ts";
import { rpcErrorReason } from "./rpcErrorReason.ts";

export { rpcErrorReason } from "./rpcErrorReason.ts";

/** Upper bound of one RPC call unless --rpc-timeout says otherwise. */
export const DEFAULT_RPC_TIMEOUT_MS = 10_000;

export type ConnectRpcOptions = {
  /** Upper bound of each call, ms (default {@link DEFAULT_RPC_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Told what is being waited for when a call has had no answer for a second. */
  onWaiting?: (line: string) => void;
};

/**
 * Opens a JSON-RPC endpoint and reads its chain id once, failing with RPC_UNREACHABLE (endpoint named,
 * secrets hidden) when it cannot be reached or does not answer in time. Every later read is bounded by
 * the same timeout.
 * @example const chain = await connectRpc("http://127.0.0.1:8545"); chain.chainId // 31337n
 */
export async function connectRpc(url: string, options: ConnectRpcOptions = {}): Promise<AnchorChain> {
  const label = describeRpcUrl(url);
  const call = createJsonRpcClient(url, {
    label,
    timeoutMs: options.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS,
    ...(options.onWaiting ? { onWaiting: options.onWaiting } : {}),
  });
  let chainId: bigint;
  try {
    chainId = await readChainId(call);
  } catch (cause) {
    throw new CliError(CliErrorCode.RpcUnreachable, `cannot reach RPC ${label}: ${rpcErrorReason(cause)}`, {
      cause,
    });
  }
  return anchorChainOverRpc(label, chainId, call);
}
