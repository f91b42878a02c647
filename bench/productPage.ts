/**
 * How fast the product page is in a real browser (Debian's chromium, headless, through playwright-core)
 * for a product whose pallet's sensor reported temperature and GPS once a minute for two days (2,880
 * signed readings, 7 EPCIS events), served by the real stack (Hardhat chain, SQLite store, API). A program,
 * not a test: it prints and writes bench/results/product-page.json with the machine, versions, parameters,
 * the evidence route timed alone (identity and gzip), and per configuration of the worker (CONFIGS: noble
 * with per-key tables, the same with two signature helpers, libsecp256k1 as WebAssembly) the medians of:
 *   - interactive: navigation start → the page's script has drawn the item and the progress bar;
 *   - verified:    navigation start → every signature, multiproof and anchor checked and the verdict drawn;
 * each page load in a fresh browser context (nothing cached: the WebAssembly is fetched every time), with
 * the worker's own phase timings and the package fetch's Resource Timing, and the bytes of the page's
 * JavaScript gzip-compressed (WebAssembly counted separately).
 *
 *   bin/dev npm run bench:productpage                    # 2,880 readings, 5 loads per configuration
 *   bin/dev npm run bench:productpage -- --readings 1440 --runs 3
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { REPO_ROOT } from "../cli/demo/repoRoot.ts";
import { buildPage, type PageBuild } from "../scripts/buildPage.ts";
import { CHROMIUM_PATH, launchChromium } from "../test/e2e/chromium.ts";
import { waitForAnchoredPackage } from "../test/e2e/productPageEvidence.ts";
import { seedJourney } from "../test/e2e/productPageJourney.ts";
import { startStackOnFreePorts } from "../test/e2e/startStackOnFreePorts.ts";
import { machineInfo, median, packageVersions, writeReport } from "./lib/report.ts";

const { values: args } = parseArgs({
  options: {
    readings: { type: "string", default: "2880" },
    runs: { type: "string", default: "5" },
    out: { type: "string", default: join(REPO_ROOT, "bench/results/product-page.json") },
  },
});
const PARAMETERS = {
  readingsPerSensor: Number(args.readings),
  runs: Number(args.runs),
  viewport: { width: 390, height: 844 },
  targets: { interactiveMs: 1500, verifiedMs: 3000, javascriptGzipBytes: 150 * 1024 },
};
/**
 * What the page is asked to use: its default (noble with per-key tables; signature helpers only beyond 2
 * cores, so none here), the same with two helper workers, and libsecp256k1 as WebAssembly.
 */
const CONFIGS = {
  noble: "verifier=noble",
  "noble-2-helpers": "verifier=noble&helpers=2",
  wasm: "verifier=wasm",
} as const;
type ConfigName = keyof typeof CONFIGS;
const ROUTE_RUNS = 10;

type Run = {
  interactiveMs: number;
  verifiedMs: number;
  packageMs: number;
  /** The package's fetch, from the page's Resource Timing: asked → first byte → last byte. */
  packageFetch: { startMs: number; firstByteMs: number; endMs: number } | null;
  /** Requests for the package the page made: 1, or the preload was not used and it came twice. */
  packageRequests: number;
  worker: Record<string, number>;
  line: string;
};

function jsBytes(build: PageBuild) {
  const js = build.files.filter((f) => f.name.endsWith(".js"));
  const wasm = build.files.filter((f) => f.name.endsWith(".wasm"));
  const sum = (files: typeof js, k: "bytes" | "gzipBytes") => files.reduce((n, f) => n + f[k], 0);
  return {
    files: build.files,
    javascriptBytes: sum(js, "bytes"),
    javascriptGzipBytes: sum(js, "gzipBytes"),
    wasmBytes: sum(wasm, "bytes"),
    wasmGzipBytes: sum(wasm, "gzipBytes"),
  };
}

/** The evidence route alone, as a client that asks for gzip (a browser) and one that does not. */
async function timeRoute(url: string) {
  const series = async (encoding: string) => {
    const ms: number[] = [];
    let bytes = 0;
    for (let i = 0; i < ROUTE_RUNS; i++) {
      const started = performance.now();
      // undici decompresses for us: count the bytes the server sent, from Content-Length.
      const res = await fetch(url, { headers: { "accept-encoding": encoding } });
      await res.arrayBuffer();
      ms.push(performance.now() - started);
      bytes = Number(res.headers.get("content-length") ?? Number.NaN);
    }
    return { runs: ms, medianMs: median(ms), bytes };
  };
  return { identity: await series("identity"), gzip: await series("gzip") };
}

const dir = mkdtempSync(join(tmpdir(), "sealtrail-bench-page-"));
console.log(`building the page and starting the stack (chromium: ${CHROMIUM_PATH}) …`);
const build = await buildPage(join(REPO_ROOT, "dist/page"));
const { stack } = await startStackOnFreePorts({
  SEALTRAIL_DATA_DIR: dir,
  SEALTRAIL_BATCH_MAX_AGE_MS: "1000",
  SEALTRAIL_FINALITY_DEPTH: "2",
  SEALTRAIL_BLOCK_INTERVAL_MS: "1000",
});
const browser = await launchChromium();
try {
  const journey = await seedJourney({
    apiUrl: stack.apiUrl,
    adminToken: stack.adminToken,
    store: stack.store,
    readingsPerSensor: PARAMETERS.readingsPerSensor,
  });
  const packageUrl = `${stack.apiUrl}/api/v1/evidence${journey.compliantPath}`;
  await waitForAnchoredPackage(packageUrl, 300_000);
  const packageBytes = (await (await fetch(packageUrl)).arrayBuffer()).byteLength;
  const route = await timeRoute(packageUrl);
  console.log(
    `evidence route alone: median ${route.identity.medianMs.toFixed(0)} ms (identity, ${route.identity.bytes} bytes), ${route.gzip.medianMs.toFixed(0)} ms (gzip asked, ${route.gzip.bytes} bytes on the wire)`,
  );

  const results: Record<string, { runs: Run[]; interactiveMs: number; verifiedMs: number }> = {};
  for (const verifier of Object.keys(CONFIGS) as ConfigName[]) {
    const runs: Run[] = [];
    for (let i = 0; i < PARAMETERS.runs; i++) {
      const context = await browser.newContext({ viewport: PARAMETERS.viewport });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      await page.goto(`${stack.apiUrl}${journey.compliantPath}?${CONFIGS[verifier]}`);
      await page.waitForSelector("main[data-state=done], main[data-state=problem]", { timeout: 120_000 });
      // A string, not a function: tsx's transform would add helpers (__name) the page does not have.
      const measured = (await page.evaluate(`(() => {
        const mark = (name) => performance.getEntriesByName(name)[0]?.startTime ?? -1;
        const main = document.getElementById("app");
        return {
          interactiveMs: mark("sealtrail:interactive"),
          verifiedMs: mark("sealtrail:verified"),
          packageMs: mark("sealtrail:package"),
          packageRequests: performance.getEntriesByType("resource").filter((r) => r.name.includes("/api/v1/evidence/")).length,
          packageFetch: (() => {
            const e = performance.getEntriesByType("resource").find((r) => r.name.includes("/api/v1/evidence/"));
            return e ? { startMs: e.startTime, firstByteMs: e.responseStart, endMs: e.responseEnd } : null;
          })(),
          worker: JSON.parse(main.dataset.workerTimings ?? "{}"),
          line: document.querySelector("[data-testid=verification-line]")?.textContent ?? (main.textContent ?? "").slice(0, 200),
        };
      })()`)) as Run;
      await context.close();
      if (errors.length > 0 || measured.verifiedMs < 0 || measured.packageRequests !== 1) {
        throw new Error(
          `the page did not verify (${verifier}) with one request for the package (${measured.packageRequests}): ${measured.line} ${errors.join("; ")}`,
        );
      }
      runs.push(measured);
      console.log(
        `${verifier} run ${i + 1}: interactive ${measured.interactiveMs.toFixed(0)} ms, verified ${measured.verifiedMs.toFixed(0)} ms — ${measured.line}`,
      );
    }
    results[verifier] = {
      runs,
      interactiveMs: median(runs.map((r) => r.interactiveMs)),
      verifiedMs: median(runs.map((r) => r.verifiedMs)),
    };
  }
  const sizes = jsBytes(build);
  const report = {
    benchmark: "product-page",
    date: new Date().toISOString(),
    machine: machineInfo(),
    chromium: browser.version(),
    versions: packageVersions(["playwright-core", "esbuild", "@noble/curves", "tiny-secp256k1"]),
    parameters: PARAMETERS,
    packageBytes,
    route,
    sizes,
    results,
  };
  writeReport(args.out, report);
  for (const v of Object.keys(CONFIGS)) {
    console.log(
      `${v}: interactive median ${results[v]!.interactiveMs.toFixed(0)} ms (target ${PARAMETERS.targets.interactiveMs}), verified median ${results[v]!.verifiedMs.toFixed(0)} ms (target ${PARAMETERS.targets.verifiedMs})`,
    );
  }
  console.log(
    `JavaScript ${sizes.javascriptGzipBytes} bytes gzip (${sizes.javascriptBytes} raw; target ${PARAMETERS.targets.javascriptGzipBytes}); WebAssembly ${sizes.wasmGzipBytes} bytes gzip (${sizes.wasmBytes} raw); package ${packageBytes} bytes`,
  );
  console.log(`wrote ${args.out}`);
} finally {
  await browser.close();
  await stack.stop();
  rmSync(dir, { recursive: true, force: true });
}
