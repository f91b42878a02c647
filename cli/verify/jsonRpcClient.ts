import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { CliError, CliErrorCode } from "../errors.ts";

/** JSON-RPC answers the verifier reads are receipts and blocks: a few kB. Anything past this is refused. */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/** After this long without an answer, say on stderr what is being waited for. */
export const WAIT_NOTICE_MS = 1_000;

export type JsonRpcClientOptions = {
  /** The endpoint as printed (secrets hidden), see describeRpcUrl. */
  label: string;
  /** Upper bound of one call, connection included. */
  timeoutMs: number;
  /** Called once per call that has had no answer for {@link WAIT_NOTICE_MS}, e.g. to write to stderr. */
  onWaiting?: (line: string) => void;
};

/** Sends one JSON-RPC request and returns its `result`. */
export type JsonRpcCall = (method: string, params: readonly unknown[]) => Promise<unknown>;

/**
 * A minimal JSON-RPC 2.0 client over node:http(s), one connection per call (`agent: false`: nothing is
 * kept alive, so an idle socket can neither hold the process open nor carry a stale answer). Every call is
 * bounded by `timeoutMs` from the first byte sent to the last byte read: an endpoint that accepts the
 * connection and never answers fails with RPC_TIMEOUT naming the endpoint and the method, instead of
 * waiting on the library's own retries. Failures are CliErrors (RPC_TIMEOUT, RPC_FAILED).
 * @example const call = createJsonRpcClient("http://127.0.0.1:8545", { label: "http://127.0.0.1:8545", timeoutMs: 10_000 }); await call("eth_chainId", [])
 */
export function createJsonRpcClient(url: string, options: JsonRpcClientOptions): JsonRpcCall {
  const target = new URL(url);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  let nextId = 1;
  return (method, params) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const body = JSON.stringify({ jsonrpc: "2.0", id, method, params });
      const seconds = formatSeconds(options.timeoutMs);
      let settled = false;
      const finish = (error: CliError | null, value?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timeout);
        clearTimeout(notice);
        req.destroy();
        if (error) reject(error);
        else resolve(value);
      };
      const timeout = setTimeout(
        () =>
          finish(
            new CliError(
              CliErrorCode.RpcTimeout,
              `no answer from ${options.label} to ${method} within ${seconds} s (--rpc-timeout)`,
              { details: { method, timeoutMs: options.timeoutMs } },
            ),
          ),
        options.timeoutMs,
      );
      const notice = setTimeout(
        () => options.onWaiting?.(`waiting for ${options.label} (${method})…`),
        Math.min(WAIT_NOTICE_MS, options.timeoutMs),
      );
      const req = send(target, {
        method: "POST",
        agent: false,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      });
      req.on("error", (cause) => finish(failed(options.label, method, cause.message, cause)));
      req.on("response", (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) finish(failed(options.label, method, "answer too large"));
          else chunks.push(chunk);
        });
        res.on("error", (cause) => finish(failed(options.label, method, cause.message, cause)));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) {
            finish(failed(options.label, method, `HTTP ${res.statusCode} ${text.slice(0, 120)}`.trim()));
            return;
          }
          let answer: { id?: unknown; result?: unknown; error?: { message?: unknown } };
          try {
            answer = JSON.parse(text);
          } catch {
            finish(failed(options.label, method, "the answer is not JSON"));
            return;
          }
          if (answer.error !== undefined) {
            const message = typeof answer.error?.message === "string" ? answer.error.message : "error";
            finish(failed(options.label, method, message));
          } else if (answer.id !== id || !("result" in answer)) {
            finish(failed(options.label, method, "the answer is not a JSON-RPC result for this request"));
          } else finish(null, answer.result);
        });
      });
      req.end(body);
    });
}

function failed(label: string, method: string, reason: string, cause?: unknown): CliError {
  return new CliError(CliErrorCode.RpcFailed, reason, { details: { endpoint: label, method }, cause });
}

function formatSeconds(ms: number): string {
  return Number.isInteger(ms / 1000) ? String(ms / 1000) : (ms / 1000).toFixed(1);
}
