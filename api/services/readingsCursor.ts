import { createHash } from "node:crypto";
import type { MessageKey, MessageOrder, MessageQuery } from "#gateway";
import { ApiError, ApiErrorCode } from "../errors.ts";

/** The filters of a listing: everything of a query but its page (limit, cursor). */
export type ReadingFilters = Omit<MessageQuery, "limit" | "after">;

// v1 cursor: base64url of the JSON array [1, order, filters fingerprint, seq, receivedAt, arrival].
const CURSOR_VERSION = 1;
const MAX_CURSOR_LENGTH = 200;
const ORDERS: readonly MessageOrder[] = ["seq", "received", "arrival"];

/**
 * A fingerprint of the filters a cursor was issued for, so a cursor replayed with other filters is refused
 * rather than silently resuming somewhere meaningless. Anchor targets are left out: they are server
 * configuration, not the client's query.
 */
function fingerprint(filters: ReadingFilters): string {
  const { anchorStatus, ...rest } = filters;
  const canonical = JSON.stringify(
    Object.entries({ ...rest, status: anchorStatus?.status })
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return createHash("sha256").update(canonical).digest("base64url").slice(0, 12);
}

/**
 * The opaque cursor that resumes a listing after `last`. Clients must not parse it: its content may change
 * with any release (the version inside lets this server refuse an old one cleanly).
 * @example encodeReadingsCursor("arrival", {}, { seq: 3, receivedAt: 1700000000150, arrival: 42 })
 */
export function encodeReadingsCursor(order: MessageOrder, filters: ReadingFilters, last: MessageKey): string {
  const body = [CURSOR_VERSION, order, fingerprint(filters), last.seq, last.receivedAt, last.arrival];
  return Buffer.from(JSON.stringify(body)).toString("base64url");
}

function invalid(message: string): ApiError {
  return new ApiError(400, ApiErrorCode.InvalidCursor, message);
}

/**
 * The position a cursor resumes after; 400 INVALID_CURSOR when it is not one this server issued for the
 * same filters (and so the same order).
 * @example decodeReadingsCursor(cursor, "arrival", filters) // { seq: 3, receivedAt: 1700000000150, arrival: 42 }
 */
export function decodeReadingsCursor(
  cursor: string,
  order: MessageOrder,
  filters: ReadingFilters,
): MessageKey {
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw invalid("cursor is not one this server issued");
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid("cursor is not one this server issued");
  }
  const isKey = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  if (
    !Array.isArray(body) ||
    body.length !== 6 ||
    body[0] !== CURSOR_VERSION ||
    !ORDERS.includes(body[1]) ||
    typeof body[2] !== "string" ||
    !isKey(body[3]) ||
    !isKey(body[4]) ||
    !isKey(body[5])
  ) {
    throw invalid("cursor is not one this server issued");
  }
  if (body[1] !== order || body[2] !== fingerprint(filters)) {
    throw invalid(
      "cursor was issued for other filters: keep the query of the first page, change only cursor",
    );
  }
  return { seq: body[3], receivedAt: body[4], arrival: body[5] };
}
