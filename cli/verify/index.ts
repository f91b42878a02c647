export { decodeUint64Word, encodeAnchoredAtCall } from "./anchorAbi.ts";
export type { AnchorChain, ChainBlock, ChainReceipt } from "./anchorChain.ts";
export { anchorChainOverRpc, readChainId } from "./anchorChainOverRpc.ts";
export { ANCHOR_VERIFIER_ABI, anchorVerifierInterface, ROOT_ANCHORED_TOPIC } from "./anchorContract.ts";
export { type AnchorCheckResult, checkAnchorOnChain, type OnChainAnchor } from "./checkAnchorOnChain.ts";
export { type ConnectRpcOptions, connectRpc, DEFAULT_RPC_TIMEOUT_MS, rpcErrorReason } from "./connectRpc.ts";
export { decideVerdict } from "./decideVerdict.ts";
export { describeRpcUrl } from "./describeRpcUrl.ts";
export { formatReport, formatReportJson } from "./formatReport.ts";
export {
  createJsonRpcClient,
  type JsonRpcCall,
  type JsonRpcClientOptions,
  WAIT_NOTICE_MS,
} from "./jsonRpcClient.ts";
export {
  type AnchorResult,
  type AnchorVerification,
  type Check,
  type MinStatus,
  type SignedReadingView,
  VERIFY_REPORT_FORMAT,
  type Verdict,
  type VerdictStatus,
  type VerifyReport,
} from "./types.ts";
export { type VerifyBundleOptions, verifyBundle } from "./verifyBundle.ts";
