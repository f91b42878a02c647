import { ANCHOR_STATUSES, type AnchorStatus, isProtocolError, normalizeAddress } from "#protocol";
import { ApiError, ApiErrorCode } from "../errors.ts";
import type { ReadingFilters } from "../services/readingsCursor.ts";

/** Largest page of readings; a page of 1,000 is ~0.5 MB of JSON. */
export const MAX_READINGS_LIMIT = 1000;
export const DEFAULT_READINGS_LIMIT = 100;

/** The query parameters a readings listing may take (any other is refused: a typo must not widen a query). */
export type ReadingsParam =
  | "device"
  | "fromTs"
  | "toTs"
  | "receivedFrom"
  | "receivedTo"
  | "batchId"
  | "status"
  | "limit"
  | "cursor";

/** A checked readings query: its filters (the route adds what its path fixes) and its page. */
export type ReadingsQuery = { filters: ReadingFilters; limit: number; cursor: string | undefined };

const invalid = (message: string) => new ApiError(400, ApiErrorCode.InvalidQuery, message);

/** One value per parameter: `?limit=1&limit=2` is refused rather than guessed at. */
function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw invalid(`${name} must be given once`);
  return value;
}

function integer(query: Record<string, unknown>, name: string, min: number, max: number): number | undefined {
  const value = single(query, name);
  if (value === undefined) return undefined;
  const n = /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw invalid(`${name} must be an integer from ${min} to ${max}`);
  return n;
}

/**
 * Checks the query string of a readings listing against the parameters `allowed`: times are ms since the
 * epoch (decimal digits only), windows inclusive and not reversed, `status` one of the anchor statuses.
 * Throws 400 INVALID_QUERY naming the parameter.
 * @example parseReadingsQuery({ fromTs: "1700000000000", limit: "50" }, ["fromTs", "toTs", "limit", "cursor"])
 */
export function parseReadingsQuery(
  query: Record<string, unknown>,
  allowed: readonly ReadingsParam[],
): ReadingsQuery {
  const unknown = Object.keys(query).find((k) => !(allowed as readonly string[]).includes(k));
  if (unknown !== undefined) {
    throw invalid(
      `unknown query parameter ${JSON.stringify(unknown.slice(0, 40))} (allowed: ${allowed.join(", ")})`,
    );
  }
  const max = Number.MAX_SAFE_INTEGER;
  const filters: ReadingFilters = {};
  const device = single(query, "device");
  if (device !== undefined) {
    try {
      filters.device = normalizeAddress(device);
    } catch (cause) {
      if (!isProtocolError(cause)) throw cause;
      throw new ApiError(400, ApiErrorCode.InvalidQuery, `device: ${cause.shortMessage}`, { cause });
    }
  }
  const set = <K extends keyof ReadingFilters>(key: K, value: ReadingFilters[K] | undefined) => {
    if (value !== undefined) filters[key] = value;
  };
  set("deviceTsFrom", integer(query, "fromTs", 0, max));
  set("deviceTsTo", integer(query, "toTs", 0, max));
  set("receivedFrom", integer(query, "receivedFrom", 0, max));
  set("receivedTo", integer(query, "receivedTo", 0, max));
  set("batchId", integer(query, "batchId", 1, max));
  if ((filters.deviceTsFrom ?? 0) > (filters.deviceTsTo ?? max))
    throw invalid("fromTs must not be after toTs");
  if ((filters.receivedFrom ?? 0) > (filters.receivedTo ?? max))
    throw invalid("receivedFrom must not be after receivedTo");
  const status = single(query, "status");
  if (status !== undefined) {
    if (!(ANCHOR_STATUSES as readonly string[]).includes(status))
      throw invalid(`status must be one of ${ANCHOR_STATUSES.join(", ")}`);
    // The targets are the server's; the route fills them in.
    filters.anchorStatus = { status: status as AnchorStatus, targets: [] };
  }
  const limit = integer(query, "limit", 1, MAX_READINGS_LIMIT) ?? DEFAULT_READINGS_LIMIT;
  const cursor = single(query, "cursor");
  return { filters, limit, cursor };
}
