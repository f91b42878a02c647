import type { Hex } from "#protocol";
import { CliError, CliErrorCode } from "../errors.ts";
import type { AnchorChain, ChainBlock, ChainReceipt } from "./anchorChain.ts";
import { anchorVerifierInterface } from "./anchorContract.ts";
import { describeRpcUrl } from "./describeRpcUrl.ts";
import { createJsonRpcClient } from "./jsonRpcClient.ts";
import { registryVerifierInterface } from "./registryContract.ts";

/** Upper bound of one RPC call unless --rpc-timeout says otherwise. */
export const DEFAULT_RPC_TIMEOUT_MS = 10_000;

/** The readable reason of a network or RPC failure (our CliErrors and ethers errors carry `shortMessage`). */
export function rpcErrorReason(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const e = error as { shortMessage?: unknown; message?: unknown };
    if (typeof e.shortMessage === "string") return e.shortMessage;
    if (typeof e.message === "string") return e.message;
  }
  return String(error);
}

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
    chainId = quantity(await call("eth_chainId", []), "eth_chainId");
  } catch (cause) {
    throw new CliError(CliErrorCode.RpcUnreachable, `cannot reach RPC ${label}: ${rpcErrorReason(cause)}`, {
      cause,
    });
  }
  const anchorAbi = anchorVerifierInterface();
  const registryAbi = registryVerifierInterface();
  return {
    label,
    chainId,
    async getTransactionReceipt(txHash: Hex) {
      return toReceipt(await call("eth_getTransactionReceipt", [txHash]));
    },
    async getBlock(blockNumber: number) {
      return toBlock(await call("eth_getBlockByNumber", [`0x${blockNumber.toString(16)}`, false]));
    },
    async getBlockNumber() {
      return Number(quantity(await call("eth_blockNumber", []), "eth_blockNumber"));
    },
    async anchoredAt(contract: Hex, root: Hex) {
      const data = await call("eth_call", [
        { to: contract, data: anchorAbi.encodeFunctionData("anchoredAt", [root]) },
        "latest",
      ]);
      if (data === "0x") return null;
      if (typeof data !== "string") throw malformed("eth_call");
      return anchorAbi.decodeFunctionResult("anchoredAt", data)[0] as bigint;
    },
    async keyRecord(contract: Hex, key: Hex) {
      const data = await call("eth_call", [
        { to: contract, data: registryAbi.encodeFunctionData("deviceRecord", [key]) },
        "latest",
      ]);
      if (data === "0x") return null;
      if (typeof data !== "string") throw malformed("eth_call");
      const r = registryAbi.decodeFunctionResult("deviceRecord", data)[0] as {
        registeredAt: bigint;
        revokedAt: bigint;
        rotatedFrom: string;
        rotatedTo: string;
        metadataHash: string;
      };
      return {
        registeredAt: Number(r.registeredAt),
        revokedAt: Number(r.revokedAt),
        rotatedFrom: r.rotatedFrom.toLowerCase() as Hex,
        rotatedTo: r.rotatedTo.toLowerCase() as Hex,
        metadataHash: r.metadataHash.toLowerCase() as Hex,
      };
    },
    close: () => {}, // one connection per call: nothing stays open
  };
}

function malformed(method: string): CliError {
  return new CliError(CliErrorCode.RpcFailed, `malformed answer to ${method}`);
}

function quantity(value: unknown, method: string): bigint {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{1,64}$/.test(value)) throw malformed(method);
  return BigInt(value);
}

function hexString(value: unknown, method: string): string {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]*$/.test(value)) throw malformed(method);
  return value;
}

function toReceipt(value: unknown): ChainReceipt | null {
  const method = "eth_getTransactionReceipt";
  if (value === null) return null;
  if (typeof value !== "object") throw malformed(method);
  const r = value as Record<string, unknown>;
  if (!Array.isArray(r.logs)) throw malformed(method);
  return {
    status: r.status === undefined || r.status === null ? null : Number(quantity(r.status, method)),
    blockNumber: Number(quantity(r.blockNumber, method)),
    blockHash: hexString(r.blockHash, method),
    logs: r.logs.map((log: unknown) => {
      const l = (typeof log === "object" && log !== null ? log : {}) as Record<string, unknown>;
      if (!Array.isArray(l.topics)) throw malformed(method);
      return {
        address: hexString(l.address, method),
        topics: l.topics.map((t: unknown) => hexString(t, method)),
        data: hexString(l.data, method),
      };
    }),
  };
}

function toBlock(value: unknown): ChainBlock | null {
  const method = "eth_getBlockByNumber";
  if (value === null) return null;
  if (typeof value !== "object") throw malformed(method);
  const b = value as Record<string, unknown>;
  return {
    hash: b.hash === null ? null : hexString(b.hash, method),
    timestamp: Number(quantity(b.timestamp, method)),
  };
}
