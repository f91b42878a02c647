/**
 * The readable reason of a network or RPC failure (our CliErrors and ethers errors carry `shortMessage`).
 * @example rpcErrorReason(error) // "no answer from http://127.0.0.1:8545 to eth_chainId within 10 s"
 */
export function rpcErrorReason(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const e = error as { shortMessage?: unknown; message?: unknown };
    if (typeof e.shortMessage === "string") return e.shortMessage;
    if (typeof e.message === "string") return e.message;
  }
  return String(error);
}
