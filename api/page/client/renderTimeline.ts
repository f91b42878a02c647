import { el } from "./dom.ts";
import { formatTime } from "./format.ts";
import type { JourneyStep } from "./productView.ts";

/**
 * The journey as an ordered list: step, time, place and who signed it, from verified events only.
 * @example main.append(renderTimeline(view.steps))
 */
export function renderTimeline(steps: readonly JourneyStep[]): HTMLElement {
  const section = el("section", { class: "card", "aria-labelledby": "journey-title" });
  section.append(el("h2", { id: "journey-title" }, "Journey"));
  if (steps.length === 0) {
    section.append(el("p", {}, "No verified journey events."));
    return section;
  }
  const list = el("ol", { class: "timeline" });
  for (const s of steps) {
    list.append(
      el(
        "li",
        {},
        el("p", { class: "step" }, s.step),
        el(
          "p",
          { class: "when" },
          el("time", { datetime: new Date(s.time).toISOString() }, formatTime(s.time)),
        ),
        s.place ? el("p", { class: "where" }, `Place (GLN) ${s.place}`) : null,
        s.organisation ? el("p", { class: "who" }, `Signed by ${s.organisation}`) : null,
      ),
    );
  }
  section.append(list);
  return section;
}
