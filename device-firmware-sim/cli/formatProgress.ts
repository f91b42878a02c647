import type { FleetStats } from "../device/deviceStats.ts";

/** `BAD_SIGNATURE 3, EQUIVOCATION 1` or `none`. */
export function formatRefusals(refused: Record<string, number>): string {
  const entries = Object.entries(refused).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? "none" : entries.map(([code, n]) => `${code} ${n}`).join(", ");
}

/**
 * The live summary line: sent, acknowledged, buffered, refused by reason.
 * @example formatSummaryLine(fleet.stats()) // "sent 120  acked 118  buffered 2  refused none"
 */
export function formatSummaryLine(stats: FleetStats): string {
  const t = stats.total;
  const resent = t.resent > 0 ? ` (+${t.resent} resent)` : "";
  const skipped = t.skipped > 0 ? `  skipped ${t.skipped}` : "";
  return `sent ${t.sent}${resent}  acked ${t.acknowledged}  buffered ${t.buffered}${skipped}  online ${t.online}/${t.devices}  refused ${formatRefusals(t.refused)}`;
}

/**
 * One TTY frame: a progress bar over the run's duration and the summary line, cut to the terminal width.
 * @example formatProgressFrame(stats, 30_000, 60_000, 100) // "[##########----------]  50%  30/60 s  sent …"
 */
export function formatProgressFrame(
  stats: FleetStats,
  elapsedMs: number,
  durationMs: number,
  columns: number,
): string {
  const fraction = Math.min(1, Math.max(0, elapsedMs / durationMs));
  const width = 20;
  const filled = Math.round(fraction * width);
  const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const clock = `${Math.floor(Math.min(elapsedMs, durationMs) / 1000)}/${Math.round(durationMs / 1000)} s`;
  const line = `${bar} ${percent}  ${clock}  ${formatSummaryLine(stats)}`;
  return line.length > columns ? `${line.slice(0, Math.max(0, columns - 1))}…` : line;
}

/** The closing per-device table. */
export function formatDeviceTable(stats: FleetStats): string {
  const rows = stats.devices.map((d) => [
    d.label,
    d.address,
    String(d.sent),
    String(d.acknowledged),
    String(d.buffered),
    formatRefusals(d.refused),
  ]);
  const header = ["device", "address", "sent", "acked", "buffered", "refused"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}
