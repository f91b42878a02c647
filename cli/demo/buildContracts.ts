import { spawn } from "node:child_process";
import { HARDHAT_CLI, REPO_ROOT } from "./repoRoot.ts";

/** Compiles the contracts (offline, with the pinned solc); a no-op when the artifacts are up to date. */
export async function buildContracts(): Promise<void> {
  const child = spawn(process.execPath, [HARDHAT_CLI, "build", "--quiet"], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const code: number = await new Promise((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`hardhat build failed (exit ${code}):\n${output}`);
}
