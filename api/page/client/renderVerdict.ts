import { el } from "./dom.ts";
import { pageVerdict, verificationLine } from "./pageVerdict.ts";
import type { ProductView } from "./productView.ts";

/**
 * The verdict in plain words and the line that says what was checked; replaces the "checking" section.
 * @example document.getElementById("verdict")!.replaceWith(renderVerdict(view))
 */
export function renderVerdict(view: ProductView): HTMLElement {
  const verdict = pageVerdict(view);
  return el(
    "section",
    { id: "verdict", class: `verdict verdict-${verdict.tone}`, "aria-live": "polite", tabindex: -1 },
    el("h2", {}, verdict.headline),
    el("p", {}, verdict.detail),
    el("p", { class: "checked", "data-testid": "verification-line" }, verificationLine(view.verification)),
  );
}

/**
 * The "checking" state with a progress bar, updated as the worker reports.
 * @example const progress = renderProgress(); progress.update(120, 2880, "signatures")
 */
export function renderProgress(): {
  element: HTMLElement;
  update(done: number, total: number, phase: string): void;
} {
  const bar = el("progress", { max: 1, value: 0, "aria-labelledby": "progress-label" });
  const label = el("p", { id: "progress-label" }, "Checking the record in your browser…");
  const element = el(
    "section",
    { id: "verdict", class: "verdict verdict-pending", "aria-live": "polite", tabindex: -1 },
    el("h2", {}, "Checking the record"),
    label,
    bar,
  );
  return {
    element,
    update(done, total, phase) {
      bar.max = Math.max(total, 1);
      bar.value = done;
      label.textContent = `Checking ${phase}: ${done} of ${total}`;
    },
  };
}

/**
 * A failure to check anything at all (no package, an unknown item): said as such, never as a verdict on
 * the product.
 * @example main.replaceChildren(renderProblem("No record", "…"))
 */
export function renderProblem(headline: string, detail: string): HTMLElement {
  return el(
    "section",
    { id: "verdict", class: "verdict verdict-unsure", "aria-live": "polite", tabindex: -1 },
    el("h2", {}, headline),
    el("p", {}, detail),
  );
}
