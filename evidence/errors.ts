import { SealtrailError, type SealtrailErrorOptions } from "#protocol";

/**
 * Why evidence could not be read or a chain not be asked. Findings about the evidence itself (a bad
 * signature, a proof that fails) are never thrown: they are lines of the report.
 */
export const EvidenceErrorCode = {
  /** The input is not JSON of a `sealtrail-evidence-v1` package (shape, types, encodings). */
  InvalidPackage: "INVALID_PACKAGE",
  /** The `format` names another format or version. */
  UnsupportedFormat: "UNSUPPORTED_FORMAT",
  /** A JSON-RPC call failed: network, HTTP status, JSON-RPC error, or a malformed answer. */
  RpcFailed: "RPC_FAILED",
  /** A JSON-RPC call got no answer in time. */
  RpcTimeout: "RPC_TIMEOUT",
} as const;
export type EvidenceErrorCode = (typeof EvidenceErrorCode)[keyof typeof EvidenceErrorCode];

export class EvidenceError extends SealtrailError {
  override name = "EvidenceError";
  declare readonly code: EvidenceErrorCode;
  constructor(code: EvidenceErrorCode, shortMessage: string, options: SealtrailErrorOptions = {}) {
    super(code, shortMessage, options);
  }
}
