// The product page: fetches the item's evidence package, hands it to the worker that verifies it, and
// draws what verified. Nothing the server says about verification is shown as the verdict.
import { itemTitle } from "./itemTitle.ts";
import { type PageConfig, readPageConfig } from "./pageConfig.ts";
import type { ProductView } from "./productView.ts";
import { renderChart } from "./renderChart.ts";
import { renderChecks } from "./renderChecks.ts";
import { renderRoute } from "./renderRoute.ts";
import { renderTimeline } from "./renderTimeline.ts";
import { renderProblem, renderProgress, renderVerdict } from "./renderVerdict.ts";
import type { PrepareRequest, VerifierChoice, VerifyRequest, WorkerReply } from "./workerMessages.ts";

/** The page's state for tests and the benchmark: `<main data-state>` loading → verifying → done | problem. */
type PageState = "loading" | "verifying" | "done" | "problem";

function setState(main: HTMLElement, state: PageState): void {
  main.dataset.state = state;
  main.setAttribute("aria-busy", String(state === "loading" || state === "verifying"));
}

/**
 * The secp256k1 implementation: noble with per-key tables, measured faster in Chromium than libsecp256k1
 * as WebAssembly (which also weighs 1.2 MB); the other only when a benchmark asks (`?verifier=wasm`).
 */
function verifierChoice(): VerifierChoice {
  return new URL(location.href).searchParams.get("verifier") === "wasm" ? "wasm" : "noble";
}

/**
 * How many helper workers check signatures beside the verifying worker: one per core the browser reports
 * beyond the first (at most 4), and none on two cores or fewer, where the page's thread, the verifying
 * worker and the browser's own processes already share the cores: measured on 2 cores (docs/benchmarks.md),
 * two helpers were no faster than none. `?helpers=N` overrides it (bench:productpage compares).
 */
function helperCount(): number {
  const asked = new URL(location.href).searchParams.get("helpers");
  if (asked !== null && /^[0-4]$/.test(asked)) return Number(asked);
  const cores = navigator.hardwareConcurrency || 1;
  return cores > 2 ? Math.min(cores - 1, 4) : 0;
}

function showProblem(main: HTMLElement, headline: string, detail: string): void {
  main.replaceChildren(renderProblem(headline, detail));
  setState(main, "problem");
}

async function loadPackage(config: PageConfig, main: HTMLElement): Promise<string | null> {
  let res: Response;
  try {
    res = await fetch(config.evidenceUrl);
  } catch {
    showProblem(
      main,
      "Could not load the record",
      "The server did not answer. Check the connection and try again.",
    );
    return null;
  }
  if (res.status === 404) {
    showProblem(
      main,
      "No record for this product",
      "This server has no record of this item. The code may be mistyped, copied, or not in this system: do not accept the product on the strength of this page.",
    );
    return null;
  }
  if (!res.ok) {
    showProblem(main, "Could not load the record", `The server answered ${res.status}. Try again later.`);
    return null;
  }
  return res.text();
}

function showResult(main: HTMLElement, view: ProductView, config: PageConfig): void {
  main.replaceChildren(
    renderVerdict(view),
    renderChart(view),
    renderRoute(view.route),
    renderTimeline(view.steps),
    renderChecks(view, config.rpcEndpoints, config.refusedRpcEndpoints),
  );
  setState(main, "done");
}

async function start(): Promise<void> {
  const main = document.getElementById("app")!;
  let config: PageConfig;
  try {
    config = readPageConfig(document);
  } catch (error) {
    showProblem(main, "This page is broken", String((error as Error).message));
    return;
  }
  const progress = renderProgress();
  main.replaceChildren(progress.element);
  setState(main, "loading");
  performance.mark("sealtrail:interactive");
  // The worker starts loading its code, the verifier and the hashers while the package downloads.
  const worker = new Worker(new URL(`${config.assetBase}worker.js`, location.href), { type: "module" });
  const prepare: PrepareRequest = { type: "prepare", verifier: verifierChoice(), helpers: helperCount() };
  worker.postMessage(prepare);
  const packageText = await loadPackage(config, main);
  if (packageText === null) {
    worker.terminate();
    return;
  }
  performance.mark("sealtrail:package");
  setState(main, "verifying");
  // Signatures and anchors are checked side by side: the bar shows both phases' sum.
  const phases = new Map<string, { done: number; total: number }>();
  worker.onmessage = (event: MessageEvent<WorkerReply>) => {
    const reply = event.data;
    if (reply.type === "progress") {
      phases.set(reply.phase, { done: reply.done, total: reply.total });
      let done = 0;
      let total = 0;
      for (const p of phases.values()) {
        done += p.done;
        total += p.total;
      }
      return progress.update(done, total, reply.phase);
    }
    worker.terminate();
    if (reply.type === "error") {
      showProblem(
        main,
        "Do not rely on this record: it could not be verified",
        `The record is not in a form your browser can check (${reply.message}).`,
      );
      return;
    }
    showResult(main, reply.view, config);
    // For bench:productpage: the verdict is on screen, and where the worker's time went.
    performance.mark("sealtrail:verified");
    main.dataset.workerTimings = JSON.stringify(reply.timings);
  };
  worker.onerror = (event) => {
    worker.terminate();
    showProblem(main, "Could not check the record", `The checking code failed to run (${event.message}).`);
  };
  const request: VerifyRequest = {
    type: "verify",
    packageText,
    rpcEndpoints: config.rpcEndpoints,
    item: {
      title: itemTitle(config.item),
      gtin: config.item.gtin ?? null,
      serial: config.item.serial ?? null,
      lot: config.item.lot ?? null,
      sscc: config.item.sscc ?? null,
    },
    verifier: verifierChoice(),
    helpers: helperCount(),
  };
  worker.postMessage(request);
}

void start();
