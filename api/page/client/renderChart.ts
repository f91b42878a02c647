import { el, svg } from "./dom.ts";
import { formatDuration, formatTemp, formatTime } from "./format.ts";
import type { ProductView } from "./productView.ts";

const WIDTH = 320;
const HEIGHT = 180;
const LEFT = 34;
const RIGHT = 6;
const TOP = 8;
const BOTTOM = 22;

/** At most this many points are drawn: more than the pixels across, and the phone stays quick. */
const MAX_POINTS = 600;

/**
 * The temperature chart: the profile's allowed band, the verified readings as a line (min and max kept
 * per pixel column so no spike disappears), excursions shaded, in SVG so it scales and can be read out:
 * the figure's text alternative states the range, the extremes and each excursion.
 * @example main.append(renderChart(view))
 */
export function renderChart(view: Pick<ProductView, "temperatures" | "profile" | "coldChain">): HTMLElement {
  const section = el("section", { class: "card", "aria-labelledby": "chart-title" });
  section.append(el("h2", { id: "chart-title" }, "Temperature"));
  const samples = view.temperatures;
  if (samples.length === 0) {
    section.append(el("p", {}, "No verified temperature readings."));
    return section;
  }
  const t0 = samples[0]!.ts;
  const t1 = Math.max(samples[samples.length - 1]!.ts, t0 + 1);
  const temps = samples.map((s) => s.tempC);
  const band = view.profile;
  let lo = Math.min(...temps, band?.minC ?? Infinity);
  let hi = Math.max(...temps, band?.maxC ?? -Infinity);
  const pad = Math.max((hi - lo) * 0.1, 0.5);
  lo -= pad;
  hi += pad;
  const x = (ts: number) => LEFT + ((ts - t0) / (t1 - t0)) * (WIDTH - LEFT - RIGHT);
  const y = (c: number) => TOP + ((hi - c) / (hi - lo)) * (HEIGHT - TOP - BOTTOM);
  const r = (n: number) => Math.round(n * 10) / 10;

  const chart = svg("svg", {
    class: "chart",
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: "img",
    "aria-labelledby": "chart-svg-title chart-svg-desc",
  });
  const excursions = view.coldChain?.excursions ?? [];
  const description = [
    `${samples.length} readings from ${formatTime(t0)} to ${formatTime(t1)}, between ${formatTemp(Math.min(...temps))} and ${formatTemp(Math.max(...temps))}.`,
    band
      ? `Allowed range ${formatTemp(band.minC)} to ${formatTemp(band.maxC)}.`
      : "No allowed range applies.",
    excursions.length === 0
      ? "No excursion."
      : `${excursions.length} excursion${excursions.length === 1 ? "" : "s"}: ${excursions.map((e) => `${e.direction} the range for ${formatDuration(e.durationMs)} from ${formatTime(e.start)}, peak ${formatTemp(e.peakC)}`).join("; ")}.`,
  ].join(" ");
  chart.append(
    svg("title", { id: "chart-svg-title" }, "Temperature over the journey"),
    svg("desc", { id: "chart-svg-desc" }, description),
  );
  if (band) {
    chart.append(
      svg("rect", {
        class: "band",
        x: LEFT,
        y: r(y(band.maxC)),
        width: WIDTH - LEFT - RIGHT,
        height: r(y(band.minC) - y(band.maxC)),
      }),
    );
  }
  for (const e of excursions) {
    chart.append(
      svg("rect", {
        class: "excursion",
        x: r(x(e.start)),
        y: TOP,
        width: Math.max(r(x(e.end) - x(e.start)), 1.5),
        height: HEIGHT - TOP - BOTTOM,
      }),
    );
  }
  chart.append(svg("polyline", { class: "temp-line", points: linePoints(samples, x, y, r) }));
  const label = (text: string, lx: number, ly: number, anchor: string) =>
    svg("text", { x: lx, y: ly, "text-anchor": anchor, class: "axis" }, text);
  // The band's edges, and the extremes where the readings went beyond them (an excursion's peak).
  const [tMin, tMax] = [Math.min(...temps), Math.max(...temps)];
  const ticks = band
    ? [band.minC, band.maxC, ...(tMin < band.minC - 1 ? [tMin] : []), ...(tMax > band.maxC + 1 ? [tMax] : [])]
    : [tMin, tMax];
  for (const c of ticks) {
    chart.append(
      svg("line", { class: "tick", x1: LEFT - 3, x2: WIDTH - RIGHT, y1: r(y(c)), y2: r(y(c)) }),
      label(`${Math.round(c * 10) / 10}°`, LEFT - 5, r(y(c)) + 3, "end"),
    );
  }
  chart.append(
    label(shortTime(t0), LEFT, HEIGHT - 6, "start"),
    label(shortTime(t1), WIDTH - RIGHT, HEIGHT - 6, "end"),
  );
  section.append(
    chart,
    el(
      "p",
      { class: "legend" },
      el("span", { class: "key key-band" }),
      " allowed range ",
      el("span", { class: "key key-excursion" }),
      " out of range",
    ),
  );
  return section;
}

/** The line's points, thinned to min and max per column when there are more readings than columns. */
function linePoints(
  samples: ProductView["temperatures"],
  x: (ts: number) => number,
  y: (c: number) => number,
  r: (n: number) => number,
): string {
  if (samples.length <= MAX_POINTS) return samples.map((s) => `${r(x(s.ts))},${r(y(s.tempC))}`).join(" ");
  const columns = MAX_POINTS / 2;
  const per = Math.ceil(samples.length / columns);
  const out: string[] = [];
  for (let i = 0; i < samples.length; i += per) {
    const slice = samples.slice(i, i + per);
    let min = slice[0]!;
    let max = slice[0]!;
    for (const s of slice) {
      if (s.tempC < min.tempC) min = s;
      if (s.tempC > max.tempC) max = s;
    }
    for (const s of min.ts <= max.ts ? [min, max] : [max, min]) out.push(`${r(x(s.ts))},${r(y(s.tempC))}`);
  }
  return out.join(" ");
}

const shortTime = (ms: number) => new Date(ms).toISOString().slice(5, 16).replace("T", " ");
