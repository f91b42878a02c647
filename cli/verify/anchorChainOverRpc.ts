import type { Hex } from "#protocol";
import { CliError, CliErrorCode } from "../errors.ts";
import { decodeUint64Word, encodeAnchoredAtCall } from "./anchorAbi.ts";
import type { AnchorChain, ChainBlock, ChainReceipt } from "./anchorChain.ts";
import type { JsonRpcCall } from "./jsonRpcClient.ts";
import { decodeDeviceRecord, encodeDeviceRecordCall } from "./registryAbi.ts";

/**
 * The reads of an anchor check over any JSON-RPC transport: `connectRpc` gives it node:http, the
 * evidence verifier a `fetch` (browser or Node). Every answer is checked for shape; a malformed one is a
 * CliError RPC_FAILED. Transport-neutral: no Node built-in and no ABI library, so it runs in a worker.
 * @example const chain = anchorChainOverRpc("http://127.0.0.1:8545", await readChainId(call), call)
 */
export function anchorChainOverRpc(label: string, chainId: bigint, call: JsonRpcCall): AnchorChain {
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
      const data = await call("eth_call", [{ to: contract, data: encodeAnchoredAtCall(root) }, "latest"]);
      if (data === "0x") return null;
      if (typeof data !== "string") throw malformed("eth_call");
      const value = decodeUint64Word(data);
      if (value === null) throw malformed("eth_call");
      return value;
    },
    async keyRecord(contract: Hex, key: Hex) {
      const data = await call("eth_call", [{ to: contract, data: encodeDeviceRecordCall(key) }, "latest"]);
      if (data === "0x") return null;
      if (typeof data !== "string") throw malformed("eth_call");
      const record = decodeDeviceRecord(data);
      if (record === null) throw malformed("eth_call");
      return record;
    },
    close: () => {}, // one request per call: nothing stays open
  };
}

/**
 * The endpoint's chain id (`eth_chainId`); throws what the transport throws, or RPC_FAILED for a
 * malformed answer.
 * @example await readChainId(call) // 31337n
 */
export async function readChainId(call: JsonRpcCall): Promise<bigint> {
  return quantity(await call("eth_chainId", []), "eth_chainId");
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
