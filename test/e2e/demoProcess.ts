import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { freePort } from "../../cli/demo/freePort.ts";
import { REPO_ROOT } from "../../cli/demo/repoRoot.ts";

export type DemoPorts = { http: number; mqtt: number; rpc: number };

/** A running `sealtrail demo`, leader of its own process group as a shell job is. */
export type DemoProcess = {
  child: ChildProcess;
  /** Its process group id (= its pid): what a terminal's Ctrl-C signals. */
  pgid: number;
  ports: DemoPorts;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** stdout alone. */
  stdout(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

const READY = "Ctrl-C stops everything.";

/**
 * Starts `node --import tsx cli/main.ts demo` (what `bin/dev demo` ends up running) on free ports with
 * `dataDir`, detached into its own process group, and waits for the whole banner (or `readyText`). The ports are free when
 * picked but bound later: if another process takes one meanwhile the demo exits with EADDRINUSE and this
 * starts it again on other ports.
 */
export async function startDemoProcess(
  dataDir: string,
  env: Record<string, string> = {},
  options: { readyText?: string; startTimeoutMs?: number } = {},
): Promise<DemoProcess> {
  const ready = options.readyText ?? READY;
  for (let attempt = 1; ; attempt++) {
    const ports = { http: await freePort(), mqtt: await freePort(), rpc: await freePort() };
    const child = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", "demo"], {
      cwd: REPO_ROOT,
      detached: true,
      env: {
        ...process.env,
        SEALTRAIL_DATA_DIR: dataDir,
        SEALTRAIL_HTTP_PORT: String(ports.http),
        SEALTRAIL_MQTT_PORT: String(ports.mqtt),
        SEALTRAIL_RPC_PORT: String(ports.rpc),
        SEALTRAIL_LOG_LEVEL: "warn",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let all = "";
    let out = "";
    child.stdout.on("data", (d) => {
      all += d;
      out += d;
    });
    child.stderr.on("data", (d) => (all += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on("exit", (code, signal) => resolve({ code, signal })),
    );
    const demo: DemoProcess = {
      child,
      pgid: child.pid!,
      ports,
      output: () => all,
      stdout: () => out,
      exited,
    };
    const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
    while (!out.includes(ready) && child.exitCode === null && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    if (out.includes(ready)) return demo;
    await killGroup(demo);
    if (attempt >= 3 || !all.includes("EADDRINUSE")) throw new Error(`demo did not start:\n${all}`);
  }
}

/** Ends a demo that a test left running (a failure): SIGINT to its group, SIGKILL after 30 s. */
export async function killGroup(demo: DemoProcess): Promise<void> {
  if (livingProcessesInGroup(demo.pgid).length === 0) return;
  signalGroup(demo.pgid, "SIGINT");
  const timer = setTimeout(() => signalGroup(demo.pgid, "SIGKILL"), 30_000);
  await demo.exited;
  for (let i = 0; i < 100 && livingProcessesInGroup(demo.pgid).length > 0; i++)
    await new Promise((r) => setTimeout(r, 100));
  clearTimeout(timer);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

/**
 * The processes of a process group that have not exited, from /proc (Linux): `pid command` each.
 * Zombies are left out: they have exited and only wait for a parent to read their status.
 */
export function livingProcessesInGroup(pgid: number): string[] {
  const found: string[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so split after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) !== pgid || fields[0] === "Z") continue;
    const command = (() => {
      try {
        return readFileSync(`/proc/${name}/cmdline`, "utf8").replaceAll("\0", " ").trim();
      } catch {
        return "?";
      }
    })();
    found.push(`${name} ${command}`);
  }
  return found;
}

/** Waits up to `timeoutMs` for every process of the group to be gone; returns those still there. */
export async function waitForGroupGone(pgid: number, timeoutMs = 10_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let left = livingProcessesInGroup(pgid);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    left = livingProcessesInGroup(pgid);
  }
  return left;
}

/** True when something accepts TCP connections on the loopback port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
