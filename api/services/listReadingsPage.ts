import { type AnchorTarget, messageOrderOf, type Store } from "#gateway";
import type { Address, AnchorStatus, Hex } from "#protocol";
import type { ReadingsQuery } from "../validation/parseReadingsQuery.ts";
import { decodeReadingsCursor, encodeReadingsCursor, type ReadingFilters } from "./readingsCursor.ts";
import { resolveAnchors } from "./resolveAnchors.ts";
import { summarizeAnchorStatus } from "./summarizeAnchorStatus.ts";

/** A stored reading as every readings route shows it (`GET /readings/{messageId}` too). */
export type ReadingJson = {
  messageId: Hex;
  device: Address;
  seq: number;
  deviceTs: number;
  receivedAt: number;
  reading: unknown;
  batchId: number | null;
  status: AnchorStatus;
};

/**
 * One page of a readings listing and the cursor of the next (null on the last page). `scope` holds what
 * the route's path fixes (a device). The page is read one row long, so "is there a next page" costs no
 * count; statuses are resolved once per batch on the page.
 * @example await listReadingsPage({ store, anchorTargets }, parseReadingsQuery(req.query, params), {})
 */
export async function listReadingsPage(
  deps: { store: Store; anchorTargets: readonly AnchorTarget[] },
  query: ReadingsQuery,
  scope: ReadingFilters = {},
): Promise<{ readings: ReadingJson[]; nextCursor: string | null }> {
  const filters: ReadingFilters = { ...query.filters, ...scope };
  if (filters.anchorStatus) filters.anchorStatus = { ...filters.anchorStatus, targets: deps.anchorTargets };
  const order = messageOrderOf(filters);
  const after = query.cursor === undefined ? undefined : decodeReadingsCursor(query.cursor, order, filters);
  const { messages } = await deps.store.listMessages({
    ...filters,
    limit: query.limit + 1,
    ...(after ? { after } : {}),
  });
  const page = messages.slice(0, query.limit);
  const statuses = new Map<number | null, AnchorStatus>();
  for (const batchId of new Set(page.map((m) => m.batchId))) {
    statuses.set(
      batchId,
      summarizeAnchorStatus(batchId, await resolveAnchors(deps.store, deps.anchorTargets, batchId)),
    );
  }
  const last = page[page.length - 1];
  return {
    readings: page.map((m) => ({
      messageId: m.messageId,
      device: m.device,
      seq: m.seq,
      deviceTs: m.deviceTs,
      receivedAt: m.receivedAt,
      reading: JSON.parse(m.payloadJson) as unknown,
      batchId: m.batchId,
      status: statuses.get(m.batchId)!,
    })),
    nextCursor: messages.length > query.limit && last ? encodeReadingsCursor(order, filters, last) : null,
  };
}
