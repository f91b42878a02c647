import { spawn } from "node:child_process";
import { REPO_ROOT } from "../../cli/demo/repoRoot.ts";

/** Runs `node <args>` in the repository root and collects its output (stdout and stderr interleaved). */
export function runNode(args: string[], timeoutMs = 60_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: timeoutMs,
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("close", (code) => resolve({ code, out }));
  });
}
