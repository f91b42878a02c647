/**
 * Summarises the V8 CPU profiles of one process (`--cpu-prof` writes one .cpuprofile per thread): self time
 * by part (a package under node_modules, a folder of this repository, Node's own modules, GC, idle) and the
 * hottest functions, per thread. Used to account for where the gateway's CPU per reading goes:
 *
 *   BENCH_GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" bin/dev npm run bench:ingest -- …
 *   bin/dev npm exec -- tsx bench/lib/cpuProfileSummary.ts /tmp/prof [top]
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
};
type Profile = {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
};

/** The part of the system a frame belongs to, from its script URL. */
function partOf(frame: ProfileNode["callFrame"]): string {
  const { url, functionName } = frame;
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) return `node:${url.slice(5).split("/")[0]}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const repo = /\/(gateway|protocol|bench|api|cli)\/((?:[^/]+\/)?)/.exec(url);
  return repo ? `${repo[1]}/${repo[2]}` : url;
}

function summarise(path: string, top: number): void {
  const profile = JSON.parse(readFileSync(path, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const parts = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === "(idle)") {
      idle += us;
      continue;
    }
    total += us;
    const part = partOf(frame);
    parts.set(part, (parts.get(part) ?? 0) + us);
    const name = `${frame.functionName || "(anonymous)"} ${part}:${frame.lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
  }
  const wall = profile.endTime - profile.startTime;
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
  process.stdout.write(
    `\n${path}: ${(total / 1e6).toFixed(2)} s busy of ${(wall / 1e6).toFixed(2)} s (idle ${(idle / 1e6).toFixed(2)} s)\n`,
  );
  for (const [part, us] of [...parts].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`  ${pct(us)}  ${part}\n`);
  }
  process.stdout.write("  hottest functions (self):\n");
  for (const [name, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`  ${pct(us)}  ${name}\n`);
  }
}

const dir = process.argv[2] ?? ".";
const top = Number(process.argv[3] ?? 15);
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith(".cpuprofile"))
  .sort()) {
  summarise(join(dir, file), top);
}
