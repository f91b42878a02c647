import { spawn } from "node:child_process";
import { HARDHAT_CLI, REPO_ROOT } from "./repoRoot.ts";

/**
 * Compiles the contracts (offline, with the pinned solc); a no-op when the artifacts are up to date.
 * `signal` (a stop requested meanwhile) ends the compiler and rejects with the signal's reason.
 */
export async function buildContracts(signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  const child = spawn(process.execPath, [HARDHAT_CLI, "build", "--quiet"], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    ...(signal ? { signal, killSignal: "SIGTERM" as const } : {}),
  });
  // With a signal, an abort kills the child and emits "error"; the "close" that follows settles below.
  child.on("error", () => {});
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const code: number = await new Promise((resolve) => child.on("close", resolve));
  signal?.throwIfAborted();
  if (code !== 0) throw new Error(`hardhat build failed (exit ${code}):\n${output}`);
}
