// How the page writes numbers, times and durations for a person: fixed locale (en-GB) and UTC, so two
// people looking at the same product read the same text, and the tests can too.
const numberFormat = new Intl.NumberFormat("en-GB");
const timeFormat = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "UTC",
  timeZoneName: "short",
});

/** 2880 → "2,880". */
export const formatCount = (n: number): string => numberFormat.format(n);

/** ms since the epoch → "5 Jan 2026, 08:00 UTC". */
export const formatTime = (ms: number): string => timeFormat.format(new Date(ms));

/** A duration as a person reads it: "45 s", "12 min", "3 h 5 min". */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** °C with one decimal at most: 4.25 → "4.3 °C". */
export const formatTemp = (c: number): string => `${Math.round(c * 10) / 10} °C`;
