// ISO 8601 date-times as EPCIS writes them: date, optional time with optional fraction, optional offset.
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS[month - 1]!;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

/**
 * The event hash form of a timestamp: UTC, millisecond precision, `Z`
 * (`2022-02-16T20:33:31.116000-06:00` → `2022-02-17T02:33:31.116Z`). Sub-millisecond digits are rounded
 * half to even, as the reference implementation (Python's `round`) does: `.1415` → `.142`, `.1414` → `.141`,
 * and only the first six fraction digits count (it reads microseconds). A time without an offset is taken as
 * UTC. Text that is not such a timestamp comes back unchanged, as the reference leaves what it cannot parse.
 * @example normaliseTimestamp("2020-03-04T11:00:30+01:00") // "2020-03-04T10:00:30.000Z"
 */
export function normaliseTimestamp(text: string): string {
  const m = ISO.exec(text);
  if (!m) return text;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4] ?? 0);
  const minute = Number(m[5] ?? 0);
  const second = Number(m[6] ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return text;
  if (hour > 23 || minute > 59 || second > 59) return text;
  const micros = Number((m[7] ?? "").slice(0, 6).padEnd(6, "0"));
  let millis = Math.floor(micros / 1000);
  const rest = micros % 1000;
  if (rest > 500 || (rest === 500 && millis % 2 === 1)) millis += 1;

  let offsetMinutes = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== "Z" && zone !== "z") {
    const digits = zone.slice(1).replace(":", "");
    const hours = Number(digits.slice(0, 2));
    const minutes = Number(digits.slice(2) || "0");
    if (hours > 23 || minutes > 59) return text;
    offsetMinutes = (zone[0] === "-" ? -1 : 1) * (hours * 60 + minutes);
  }

  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  const utc = new Date(date.getTime() - offsetMinutes * 60_000 + millis);
  return (
    `${pad(utc.getUTCFullYear(), 4)}-${pad(utc.getUTCMonth() + 1, 2)}-${pad(utc.getUTCDate(), 2)}` +
    `T${pad(utc.getUTCHours(), 2)}:${pad(utc.getUTCMinutes(), 2)}:${pad(utc.getUTCSeconds(), 2)}` +
    `.${pad(utc.getUTCMilliseconds(), 3)}Z`
  );
}
