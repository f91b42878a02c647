/**
 * Runs the MongoDB store's suites (gateway/store/mongo: the store contract, write concerns, indexes)
 * against jongodb, a MongoDB-wire-compatible server that installs from npm as a native binary
 * (@jongodb/memory-server-bin-linux-x64-gnu): no real `mongod` can be installed on these machines (see
 * docs/operations.md § MongoDB for what this run cannot prove). It starts the server on a free loopback
 * port as a one-node replica set (and a standalone one, which the store must refuse), runs Jest's
 * integration project on gateway/store/mongo and test/integration/services.mongo.test.ts with SEALTRAIL_TEST_MONGO_URL pointing at it, stops the
 * servers and exits with Jest's status.
 *
 *   npm run test:mongo [-- extra jest arguments]
 *   SEALTRAIL_JONGODB_BIN=/path/to/jongodb npm run test:mongo   (a binary outside node_modules)
 */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { freePort } from "../cli/demo/freePort.ts";

const PACKAGE = "@jongodb/memory-server-bin-linux-x64-gnu";
/** Longest the server may take to print its URI. */
const START_TIMEOUT_MS = 20_000;

function jongodbBinary(): string {
  const given = process.env.SEALTRAIL_JONGODB_BIN;
  if (given) return given;
  try {
    const manifest = createRequire(import.meta.url).resolve(`${PACKAGE}/package.json`);
    return join(dirname(manifest), "bin", "jongodb");
  } catch {
    console.error(
      `test:mongo: ${PACKAGE} is not installed (it is an optional dependency for linux-x64 with glibc); ` +
        "set SEALTRAIL_JONGODB_BIN to a jongodb binary, or SEALTRAIL_TEST_MONGO_URL and run " +
        "`npm run test:integration -- gateway/store/mongo` against a real replica set.",
    );
    // Outside CI (another platform, where npm skips the optional binary) the suite is skipped loudly, like
    // the other suites that need a server this machine lacks; in CI it must run.
    process.exit(process.env.CI === "true" ? 2 : 0);
  }
}

const binary = jongodbBinary();
accessSync(binary, constants.X_OK);

/** Starts jongodb on a free loopback port; resolves once it listens (it prints `JONGODB_URI=…` then). */
async function startJongodb(
  args: string[],
): Promise<{ port: number; server: ChildProcessByStdio<null, Readable, Readable> }> {
  const port = await freePort();
  const server = spawn(binary, ["--host=127.0.0.1", `--port=${port}`, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  // It logs every client disconnect on stderr ("tcp client io failure"): shown only if it fails to start.
  let errors = "";
  server.stderr.on("data", (chunk: Buffer) => {
    if (errors.length < 10_000) errors += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("jongodb did not start in time")), START_TIMEOUT_MS);
    let seen = "";
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`jongodb exited with ${code} before it listened:\n${errors}`));
    };
    server.once("exit", onExit);
    server.stdout.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes("JONGODB_URI=")) {
        clearTimeout(timer);
        server.off("exit", onExit);
        resolve();
      }
    });
  });
  server.stdout.resume();
  return { port, server };
}

const replicaSet = await startJongodb(["--topology-profile=singleNodeReplicaSet", "--replica-set-name=rs0"]);
// A standalone too: the store must refuse one (no transactions, so no store).
const standalone = await startJongodb([]);

// serverMonitoringMode=poll: the driver's default streaming monitor parks an awaitable `hello` on the
// server for 10 s, and jongodb answers other requests behind it; polling leaves the server free.
const url = `mongodb://127.0.0.1:${replicaSet.port}/?replicaSet=rs0&serverMonitoringMode=poll`;
const standaloneUrl = `mongodb://127.0.0.1:${standalone.port}/?directConnection=true&serverMonitoringMode=poll`;
const jest = spawn(
  process.execPath,
  [
    "--experimental-vm-modules",
    "node_modules/jest/bin/jest.js",
    "--selectProjects",
    "integration",
    "--errorOnDeprecated",
    "gateway/store/mongo",
    // `sealtrail api` opening the MongoDB store (the API service on the replica set).
    "test/integration/services.mongo",
    ...process.argv.slice(2),
  ],
  {
    stdio: "inherit",
    env: {
      ...process.env,
      SEALTRAIL_TEST_MONGO_URL: url,
      SEALTRAIL_TEST_MONGO_STANDALONE_URL: standaloneUrl,
      SEALTRAIL_TEST_MONGO_SUBSTITUTE: "jongodb",
    },
  },
);
const status = await new Promise<number>((resolve) => jest.once("exit", (code) => resolve(code ?? 1)));
for (const { server } of [replicaSet, standalone]) {
  const exited = new Promise((resolve) => server.once("exit", resolve));
  server.kill("SIGTERM");
  await exited;
}
process.exit(status);
