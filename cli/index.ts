// Public API of cli/: the `sealtrail` command and the proof-bundle verifier behind `sealtrail verify`.
export { runVerify, VERIFY_HELP } from "./commands/index.ts";
export { CliError, CliErrorCode, isCliError } from "./errors.ts";
export { type CliIo, type CommandRun, ExitCode } from "./io.ts";
export { COMMANDS, main, mainHelp } from "./main.ts";
export {
  ANCHOR_VERIFIER_ABI,
  type AnchorChain,
  type AnchorCheckResult,
  type AnchorResult,
  type AnchorVerification,
  anchorVerifierInterface,
  type ChainBlock,
  type ChainReceipt,
  type Check,
  checkAnchorOnChain,
  connectRpc,
  DEFAULT_RPC_TIMEOUT_MS,
  decideVerdict,
  describeRpcUrl,
  formatReport,
  formatReportJson,
  type MinStatus,
  type OnChainAnchor,
  ROOT_ANCHORED_TOPIC,
  rpcErrorReason,
  VERIFY_REPORT_FORMAT,
  type Verdict,
  type VerdictStatus,
  type VerifyBundleOptions,
  type VerifyReport,
  verifyBundle,
} from "./verify/index.ts";
