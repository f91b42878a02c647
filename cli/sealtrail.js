#!/usr/bin/env node
// The `sealtrail` bin (package.json "bin"): registers tsx so the TypeScript sources run as they are.
// `sealtrail verify` runs on Node >= 20 (an auditor's machine); the other commands start Hardhat 3 and
// worker threads that strip TypeScript types themselves, which need Node >= 22.18: on an older Node they
// say so and exit 2 instead of failing somewhere inside.
import { register } from "tsx/esm/api";

const NODE_FOR_ALL = [22, 18];
const RUNS_ON_OLDER_NODE = new Set(["verify"]);

const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
const recentEnough = major > NODE_FOR_ALL[0] || (major === NODE_FOR_ALL[0] && minor >= NODE_FOR_ALL[1]);

register();
const { COMMANDS, main } = await import("./main.ts");
const argv = process.argv.slice(2);
const command = argv.find((arg) => !arg.startsWith("-"));
if (
  !recentEnough &&
  command !== undefined &&
  Object.hasOwn(COMMANDS, command) &&
  !RUNS_ON_OLDER_NODE.has(command)
) {
  process.stderr.write(
    `sealtrail ${command}: needs Node.js >= ${NODE_FOR_ALL.join(".")}, this is ${process.version}.\n` +
      `Run it as \`bin/dev npm run sealtrail -- ${command} …\` (bin/dev brings Node 22); \`sealtrail verify\` runs on Node >= 20.\n`,
  );
  process.exitCode = 2;
} else {
  process.exitCode = await main(argv, { stdout: process.stdout, stderr: process.stderr });
}
