import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { GatewayProcessSpec, GatewayProcessStats } from "./gatewayProcess.ts";

export type GatewayProcess = {
  port: number;
  pid: number;
  /** Restarts the CPU and event-loop counters. */
  reset(): Promise<void>;
  stats(): Promise<GatewayProcessStats>;
  /** Revokes a device through the gateway's registry. */
  revoke(address: string): Promise<void>;
  close(): Promise<void>;
};

function request<T>(child: ChildProcess, message: { type: string }, reply: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { type: string } & Record<string, unknown>) => {
      if (m.type !== reply) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(m as T);
    };
    const onExit = (code: number | null) => reject(new Error(`gateway process exited (${code})`));
    child.on("message", onMessage);
    child.once("exit", onExit);
    if (message.type !== "none") child.send(message);
  });
}

/**
 * Starts bench/lib/gatewayProcess.ts as a child process (same Node) and resolves once it listens.
 */
export async function spawnGatewayProcess(spec: GatewayProcessSpec): Promise<GatewayProcess> {
  const script = fileURLToPath(new URL("./gatewayProcess.ts", import.meta.url));
  // BENCH_GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the gateway process.
  const extra = process.env.BENCH_GATEWAY_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  // Node runs the TypeScript itself (type stripping); no loader in the measured process.
  const child = spawn(process.execPath, [...extra, script, JSON.stringify(spec)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = await request<{ port: number }>(child, { type: "none" }, "ready");
  return {
    port: ready.port,
    pid: child.pid!,
    reset: async () => {
      await request(child, { type: "reset" }, "reset");
    },
    stats: async () =>
      (await request<{ stats: GatewayProcessStats }>(child, { type: "stats" }, "stats")).stats,
    revoke: async (address) => {
      await request(child, { type: "revoke", address } as { type: string }, "revoked");
    },
    close: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.send({ type: "close" });
      await exited;
    },
  };
}
