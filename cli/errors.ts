import { SealtrailError, type SealtrailErrorOptions } from "#protocol";

/**
 * Why the CLI stopped. USAGE (and verify's READ_FAILED) exit 2; FILE_EXISTS and WRITE_FAILED exit 1; the
 * rest are reported inside a verification.
 */
export const CliErrorCode = {
  /** Bad arguments or options. */
  Usage: "USAGE",
  /** The input file could not be read. */
  ReadFailed: "READ_FAILED",
  /** The RPC endpoint could not be reached or did not answer eth_chainId. */
  RpcUnreachable: "RPC_UNREACHABLE",
  /** An RPC call got no answer within --rpc-timeout. */
  RpcTimeout: "RPC_TIMEOUT",
  /** An RPC call failed: network error, HTTP error, JSON-RPC error or a malformed answer. */
  RpcFailed: "RPC_FAILED",
  /** A file the command creates exists already and is never overwritten (`sealtrail keygen`). */
  FileExists: "FILE_EXISTS",
  /** The output file could not be written. */
  WriteFailed: "WRITE_FAILED",
  /** The demo's traceability story could not be told: its own API refused a step. */
  DemoStoryFailed: "DEMO_STORY_FAILED",
  /** A service cannot start with this configuration (no anchor target, no anchorer key, no deployer key). */
  ServiceConfig: "SERVICE_CONFIG",
  /** A command module does not export `run`. */
  BadCommandModule: "BAD_COMMAND_MODULE",
} as const;
export type CliErrorCode = (typeof CliErrorCode)[keyof typeof CliErrorCode];

/** An error the CLI reports as one readable line (no stack trace). */
export class CliError extends SealtrailError {
  override name = "CliError";
  declare readonly code: CliErrorCode;

  constructor(code: CliErrorCode, shortMessage: string, options: SealtrailErrorOptions = {}) {
    super(code, shortMessage, options);
  }
}

/** True when `error` is a {@link CliError}, optionally with the given code. */
export function isCliError(error: unknown, code?: CliErrorCode): error is CliError {
  return error instanceof CliError && (code === undefined || error.code === code);
}
