import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "./createApp.ts";
import { answerClientError } from "./http/answerClientError.ts";
import { recoverCaptureJobs } from "./services/capture/recoverCaptureJobs.ts";
import { type ApiDeps, silentLogger } from "./types.ts";

export type StartApiOptions = ApiDeps & {
  /** Defaults to 127.0.0.1: exposing the API is an explicit decision. */
  host?: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** How long close() lets in-flight requests finish before cutting connections, ms. */
  closeTimeoutMs?: number;
};

/** A listening API. */
export type RunningApi = {
  /** Base URL, e.g. http://127.0.0.1:8080 (the API lives under /api/v1). */
  url: string;
  port: number;
  /** Stops accepting connections, lets in-flight requests finish (bounded), then resolves. */
  close(): Promise<void>;
};

/**
 * Starts the HTTP API and resolves once it listens.
 * @example const api = await startApi({ ...deps, port: 0 }); await fetch(`${api.url}/api/v1/status`); await api.close()
 */
export async function startApi(options: StartApiOptions): Promise<RunningApi> {
  const { host = "127.0.0.1", port, closeTimeoutMs = 5_000, ...deps } = options;
  // Before serving: a job a previous run left "running" will never finish otherwise.
  await recoverCaptureJobs(deps.store, deps.logger ?? silentLogger, Date.now());
  const server = createServer(createApp(deps));
  // A request line or header section over maxHeaderSize (Node's 16 KiB) gets 414/431, not a reset.
  server.on("clientError", answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${bound}`,
    port: bound,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        const force = setTimeout(() => server.closeAllConnections(), closeTimeoutMs);
        force.unref();
        server.close((error) => {
          clearTimeout(force);
          if (error) reject(error);
          else resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
