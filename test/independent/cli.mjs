#!/usr/bin/env node
// Independent Sealtrail proof-bundle verifier (CLI).
//   node test/independent/cli.mjs bundle.json [--rpc URL] [--json] [--require-anchored]
//                                 [--min-confirmations N] [--event-topic 0x…]
// --require-anchored: fail unless at least one anchor was verified on chain (needs --rpc).
// Exit status: 0 = bundle valid, 1 = bundle invalid, 2 = usage / I/O error.
// `bundle.json` may be "-" to read the bundle from stdin.

import { readFileSync } from "node:fs";
import { closeProviders, verifyBundle } from "./verify.mjs";

const USAGE =
  "usage: node test/independent/cli.mjs <bundle.json|-> [--rpc URL] [--json] [--require-anchored] [--min-confirmations N] [--event-topic 0x…]";

function parseArgs(argv) {
  const out = {
    file: null,
    rpcUrl: undefined,
    json: false,
    requireAnchored: false,
    minConfirmationsFinal: undefined,
    eventTopic: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--rpc") out.rpcUrl = value();
    else if (a.startsWith("--rpc=")) out.rpcUrl = a.slice(6);
    else if (a === "--json") out.json = true;
    else if (a === "--require-anchored") out.requireAnchored = true;
    else if (a === "--min-confirmations") out.minConfirmationsFinal = Number(value());
    else if (a === "--event-topic") out.eventTopic = value();
    else if (a === "-h" || a === "--help") throw new Error("help");
    else if (a.startsWith("--")) throw new Error(`unknown option ${a}`);
    else if (out.file === null) out.file = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  if (out.file === null) throw new Error("missing bundle file");
  return out;
}

function printHuman(report) {
  const lines = [];
  lines.push(`sealtrail-proof-v1 bundle: ${report.ok ? "VALID" : "INVALID"} (level: ${report.level})`);
  for (const c of report.checks)
    lines.push(`  ${c.ok ? "ok  " : "FAIL"} ${c.name}${c.detail ? ` — ${c.detail}` : ""}`);
  if (report.message?.ok) {
    const p = report.message.payload;
    lines.push(`  message ${report.message.messageId}`);
    lines.push(
      `    device ${report.message.device} seq ${p.seq} ts ${new Date(p.ts).toISOString()} m ${JSON.stringify(p.m)}`,
    );
  }
  if (report.merkle) lines.push(`  merkle root ${report.merkle.root} (proof depth ${report.merkle.depth})`);
  for (const a of report.anchors) {
    const state = a.checked ? (a.ok ? "verified on chain" : "FAILED on chain") : "not checked";
    lines.push(`  anchor[${a.index}] chain ${a.chainId} ${a.contract} status=${a.status}: ${state}`);
    for (const d of a.detail) lines.push(`    ${d}`);
  }
  for (const w of report.warnings) lines.push(`  warning (${w.check}): ${w.detail}`);
  return lines.join("\n");
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e.message !== "help") process.stderr.write(`${e.message}\n`);
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let text;
  try {
    text = readFileSync(args.file === "-" ? 0 : args.file, "utf8");
  } catch (e) {
    process.stderr.write(`cannot read ${args.file}: ${e.message}\n`);
    return 2;
  }
  let bundle;
  try {
    bundle = JSON.parse(text);
  } catch (e) {
    process.stderr.write(`${args.file} is not JSON: ${e.message}\n`);
    return 1;
  }
  const opts = {};
  if (args.rpcUrl) opts.rpcUrl = args.rpcUrl;
  if (args.minConfirmationsFinal) opts.minConfirmationsFinal = args.minConfirmationsFinal;
  if (args.eventTopic) opts.eventTopic = args.eventTopic;
  if (args.requireAnchored) opts.requireAnchored = true;
  try {
    const report = await verifyBundle(bundle, opts);
    process.stdout.write(
      `${args.json ? JSON.stringify(report, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2) : printHuman(report)}\n`,
    );
    return report.ok ? 0 : 1;
  } finally {
    closeProviders();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`internal error: ${e?.stack ?? e}\n`);
    process.exitCode = 2;
  },
);
