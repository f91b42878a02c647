import { type ChildProcess, spawn } from "node:child_process";
import { JsonRpcProvider } from "ethers";
import { HARDHAT_CLI, REPO_ROOT } from "./repoRoot.ts";

export type LocalChain = {
  rpcUrl: string;
  chainId: number;
  /** Stops the node and waits for the process to exit. */
  stop(): Promise<void>;
};

export type LocalChainOptions = {
  host?: string;
  port: number;
  chainId?: number;
  /** Mine a block every this many ms besides mining each transaction (so confirmations accrue). */
  intervalMiningMs?: number;
  /** How long to wait for the RPC to answer. */
  startTimeoutMs?: number;
  onOutput?: (line: string) => void;
  /** A stop requested while the node starts: it is stopped and the start rejects with the signal's reason. */
  signal?: AbortSignal;
};

/**
 * Starts `hardhat node --chain-type op` (an OP-stack L2 simulation) on loopback and waits until its RPC
 * answers. The node's funded accounts are Hardhat's well-known PUBLIC test accounts.
 */
export async function startLocalChain(options: LocalChainOptions): Promise<LocalChain> {
  options.signal?.throwIfAborted();
  const host = options.host ?? "127.0.0.1";
  const args = [
    HARDHAT_CLI,
    "node",
    "--chain-type",
    "op",
    "--hostname",
    host,
    "--port",
    String(options.port),
  ];
  if (options.chainId !== undefined) args.push("--chain-id", String(options.chainId));
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (d: Buffer) => {
    const text = d.toString();
    if (output.length < 20_000) output += text;
    if (options.onOutput) for (const line of text.split("\n")) if (line.trim()) options.onOutput(line);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.on("exit", () => {
      exited = true;
      resolve();
    }),
  );
  const rpcUrl = `http://${host}:${options.port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  let chainId: number | undefined;
  while (chainId === undefined) {
    if (options.signal?.aborted) {
      await stopChild(child, exit);
      options.signal.throwIfAborted();
    }
    if (exited) throw new Error(`hardhat node exited before its RPC answered:\n${output.slice(-4000)}`);
    if (Date.now() > deadline) {
      await stopChild(child, exit);
      throw new Error(`hardhat node did not answer on ${rpcUrl} in time:\n${output.slice(-4000)}`);
    }
    chainId = await probe(rpcUrl);
    if (chainId === undefined) await new Promise((r) => setTimeout(r, 250));
  }
  if (options.intervalMiningMs) {
    const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true });
    await provider.send("evm_setIntervalMining", [options.intervalMiningMs]);
    provider.destroy();
  }
  return { rpcUrl, chainId, stop: () => stopChild(child, exit) };
}

async function probe(rpcUrl: string): Promise<number | undefined> {
  try {
    const res = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(1000),
    });
    const body = (await res.json()) as { result?: string };
    return body.result ? Number(body.result) : undefined;
  } catch {
    return undefined;
  }
}

async function stopChild(child: ChildProcess, exit: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exit;
  clearTimeout(timer);
}
