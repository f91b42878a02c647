import { el, svg } from "./dom.ts";
import { formatTime } from "./format.ts";
import type { ProductView } from "./productView.ts";

const WIDTH = 320;
const HEIGHT = 200;
const MARGIN = 12;

/**
 * The route from the verified GPS readings as a line drawing (no map tiles: nothing is fetched), in an
 * equirectangular projection scaled by cos(latitude) so that short routes keep their shape. Start and end
 * are marked; a text alternative gives both positions.
 * @example main.append(renderRoute(view.route))
 */
export function renderRoute(route: ProductView["route"]): HTMLElement {
  const section = el("section", { class: "card", "aria-labelledby": "route-title" });
  section.append(el("h2", { id: "route-title" }, "Route"));
  if (route.length === 0) {
    section.append(el("p", {}, "No verified GPS readings."));
    return section;
  }
  const meanLat = route.reduce((s, p) => s + p.lat, 0) / route.length;
  const kx = Math.cos((meanLat * Math.PI) / 180);
  const xs = route.map((p) => p.lon * kx);
  const ys = route.map((p) => p.lat);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  // One scale for both axes keeps the shape; a route that does not move still gets a drawing.
  const span = Math.max(maxX - minX, maxY - minY, 1e-6);
  const scale = Math.min(WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN) / span;
  const offsetX = (WIDTH - (maxX - minX) * scale) / 2;
  const offsetY = (HEIGHT - (maxY - minY) * scale) / 2;
  const at = (i: number): [number, number] => [
    Math.round((offsetX + (xs[i]! - minX) * scale) * 10) / 10,
    Math.round((HEIGHT - offsetY - (ys[i]! - minY) * scale) * 10) / 10,
  ];
  const points = route.map((_, i) => at(i).join(",")).join(" ");
  const first = route[0]!;
  const last = route[route.length - 1]!;
  const [sx, sy] = at(0);
  const [ex, ey] = at(route.length - 1);
  const where = (p: { lat: number; lon: number }) => `${p.lat.toFixed(4)}, ${p.lon.toFixed(4)}`;
  const description = `${route.length} GPS positions from ${where(first)} (${formatTime(first.ts)}) to ${where(last)} (${formatTime(last.ts)}).`;
  section.append(
    svg(
      "svg",
      {
        class: "route",
        viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
        role: "img",
        "aria-labelledby": "route-svg-title route-svg-desc",
      },
      svg("title", { id: "route-svg-title" }, "Route drawn from the GPS readings"),
      svg("desc", { id: "route-svg-desc" }, description),
      svg("polyline", { class: "route-line", points }),
      svg("circle", { class: "route-start", cx: sx, cy: sy, r: 5 }),
      svg("rect", { class: "route-end", x: ex - 5, y: ey - 5, width: 10, height: 10 }),
    ),
    el("p", { class: "legend" }, "● start ", where(first), " · ■ end ", where(last)),
  );
  return section;
}
