import { createHash } from "node:crypto";
import { EpcisQueryCode, queryParameterProblem } from "./queryProblem.ts";

/** Where the next page starts: after this event (event time, then arrival order). */
export type PageCursor = { eventTime: number; arrival: number };

// The token carries the SHA-256 of the query it was issued for (its parameters in canonical order and the
// path), so a token replayed with other conditions is refused instead of paging through a different result.
const queryDigest = (queryKey: string) =>
  createHash("sha256").update(queryKey, "utf8").digest("base64url").slice(0, 22);

/**
 * An opaque `nextPageToken`: base64url JSON `{ v: 1, q: <query digest>, t, n }`. It grants nothing: the
 * query's conditions and the caller's visibility are applied on every page, the cursor only says where to
 * resume.
 * @example encodePageToken("EQ_bizStep=shipping", { eventTime: 1, arrival: 7 })
 */
export function encodePageToken(queryKey: string, cursor: PageCursor): string {
  return Buffer.from(
    JSON.stringify({ v: 1, q: queryDigest(queryKey), t: cursor.eventTime, n: cursor.arrival }),
  ).toString("base64url");
}

/** The cursor of a token issued for this query; a QueryParameterException otherwise. */
export function decodePageToken(queryKey: string, token: string): PageCursor {
  let parsed: unknown;
  try {
    parsed = /^[A-Za-z0-9_-]{1,512}$/.test(token)
      ? JSON.parse(Buffer.from(token, "base64url").toString("utf8"))
      : undefined;
  } catch {
    parsed = undefined;
  }
  const p = parsed as { v?: unknown; q?: unknown; t?: unknown; n?: unknown } | undefined;
  if (
    p === undefined ||
    p === null ||
    typeof p !== "object" ||
    p.v !== 1 ||
    !Number.isSafeInteger(p.t) ||
    !Number.isSafeInteger(p.n)
  )
    throw queryParameterProblem(
      "nextPageToken is not one this server issued",
      EpcisQueryCode.InvalidPageToken,
    );
  if (p.q !== queryDigest(queryKey))
    throw queryParameterProblem(
      "nextPageToken was issued for another query: repeat the query's parameters with it",
      EpcisQueryCode.InvalidPageToken,
    );
  return { eventTime: p.t as number, arrival: p.n as number };
}
