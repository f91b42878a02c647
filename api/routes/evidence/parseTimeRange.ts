import { ApiError, ApiErrorCode } from "../../errors.ts";

const MS_RE = /^\d{1,15}$/;
// An ISO 8601 date-time with a zone, as RFC 3339 spells it: a time without zone would be read in the
// server's zone, so two auditors could get two different windows from one URL.
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function instant(query: Record<string, unknown>, name: "from" | "to"): number {
  const value = query[name];
  if (typeof value !== "string") {
    throw new ApiError(400, ApiErrorCode.InvalidQuery, `${name} is required once (ISO 8601 time or ms)`);
  }
  if (MS_RE.test(value)) return Number(value);
  const ms = ISO_RE.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new ApiError(400, ApiErrorCode.InvalidQuery, `${name} is not an ISO 8601 time with zone nor ms`);
  }
  return ms;
}

/**
 * The `from` and `to` of a device evidence request: each an ISO 8601 time with zone or ms since the epoch,
 * both required, from <= to. Throws INVALID_QUERY.
 * @example parseTimeRange({ from: "2026-12-01T00:00:00Z", to: "1764633600000" })
 */
export function parseTimeRange(query: Record<string, unknown>): { from: number; to: number } {
  const from = instant(query, "from");
  const to = instant(query, "to");
  if (from > to) throw new ApiError(400, ApiErrorCode.InvalidQuery, "from is after to");
  return { from, to };
}
