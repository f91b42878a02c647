import { ANCHOR_STATUSES, type AnchorStatus, normalizeAddress } from "#protocol";
import { messageOrderOf } from "../messageOrderOf.ts";
import type { AnchorTarget, ListedMessage, MessageOrder, MessageQuery } from "../types.ts";
import { batchFinder, lastBatchedN } from "./batches.ts";
import { type Collections, type MessageDoc, messageFromDoc } from "./documents.ts";

const SEALED_TIER = ANCHOR_STATUSES.indexOf("sealed");

/** Each order's sort, served by one index (models.ts): device_seq, received_arrival, arrival. */
const SORT: Record<MessageOrder, Record<string, 1>> = {
  seq: { device: 1, seq: 1 },
  received: { receivedAt: 1, n: 1 },
  arrival: { n: 1 },
};

/**
 * The summary anchor status of each batch over `targets`, as a tier (an index into ANCHOR_STATUSES): the
 * furthest tier of its records on those targets, `sealed` when it has none; the API's summarizeAnchorStatus
 * rule, contracts compared in lowercase.
 */
async function batchTiers(
  c: Collections,
  batchIds: readonly number[],
  targets: readonly AnchorTarget[],
): Promise<Map<number, number>> {
  const tiers = new Map<number, number>(batchIds.map((id) => [id, SEALED_TIER]));
  if (batchIds.length === 0 || targets.length === 0) return tiers;
  const records = await c.anchors
    .find(
      {
        batchId: { $in: [...batchIds] },
        $or: targets.map((t) => ({ chainId: t.chainId, contractKey: normalizeAddress(t.contract) })),
      },
      { projection: { batchId: 1, status: 1 } },
    )
    .toArray();
  for (const r of records) {
    const tier = ANCHOR_STATUSES.indexOf(r.status);
    if (tier > (tiers.get(r.batchId) ?? SEALED_TIER)) tiers.set(r.batchId, tier);
  }
  return tiers;
}

/**
 * The arrival range the batch and status filters allow (SQLite's arrivalBounds): a batch is a run of
 * arrival numbers, `pending` everything after the last batch; another status is narrowed to the span of
 * the batches whose records reach it (statuses advance in batch order), except `sealed`, which a batch
 * also has with no record at all, and is checked message by message only.
 */
async function arrivalBounds(
  c: Collections,
  query: MessageQuery,
): Promise<{ lo?: number; hi?: number } | "empty"> {
  let lo: number | undefined;
  let hi: number | undefined;
  const narrow = (from: number, to?: number) => {
    lo = lo === undefined ? from : Math.max(lo, from);
    if (to !== undefined) hi = hi === undefined ? to : Math.min(hi, to);
  };
  if (query.batchId !== undefined) {
    const batch = await c.batches.findOne({ _id: query.batchId });
    if (!batch) return "empty";
    narrow(batch.firstN, batch.lastN);
  }
  const status = query.anchorStatus;
  if (status?.status === "pending") narrow((await lastBatchedN(c)) + 1);
  else if (status !== undefined && status.status !== "sealed") {
    const records = await c.anchors
      .find(
        {
          status: status.status,
          $or: status.targets.map((t) => ({ chainId: t.chainId, contractKey: normalizeAddress(t.contract) })),
        },
        { projection: { batchId: 1 } },
      )
      .toArray();
    if (records.length === 0) return "empty";
    const ids = records.map((r) => r.batchId);
    const [first, last] = await Promise.all([
      c.batches.findOne({ _id: Math.min(...ids) }),
      c.batches.findOne({ _id: Math.max(...ids) }),
    ]);
    if (!first || !last) return "empty";
    narrow(first.firstN, last.lastN);
  }
  if (lo !== undefined && hi !== undefined && lo > hi) return "empty";
  return { ...(lo === undefined ? {} : { lo }), ...(hi === undefined ? {} : { hi }) };
}

/** The filter of a listing (readings only: events share the collection), its cursor included. */
function listingFilter(
  query: MessageQuery,
  order: MessageOrder,
  bounds: { lo?: number; hi?: number },
): Record<string, unknown> {
  const and: Record<string, unknown>[] = [{ kind: "reading" }];
  if (query.device !== undefined) and.push({ device: query.device });
  const range = (field: string, from?: number, to?: number) => {
    if (from !== undefined) and.push({ [field]: { $gte: from } });
    if (to !== undefined) and.push({ [field]: { $lte: to } });
  };
  range("deviceTs", query.deviceTsFrom, query.deviceTsTo);
  range("receivedAt", query.receivedFrom, query.receivedTo);
  range("n", bounds.lo, bounds.hi);
  const after = query.after;
  if (after) {
    if (order === "seq") and.push({ seq: { $gt: after.seq } });
    else if (order === "received")
      and.push({
        $or: [
          { receivedAt: { $gt: after.receivedAt } },
          { receivedAt: after.receivedAt, n: { $gt: after.arrival } },
        ],
      });
    else and.push({ n: { $gt: after.arrival } });
  }
  return { $and: and };
}

/**
 * One page of a message listing (see Store.listMessages). Each order walks its index from the cursor;
 * a status other than `pending` is checked per message against its batch's tier, reading the walk in
 * chunks until the page is full, as SQLite checks it per row.
 */
export async function listMessages(
  c: Collections,
  query: MessageQuery,
): Promise<{ order: MessageOrder; messages: ListedMessage[] }> {
  const order = messageOrderOf(query);
  const bounds = await arrivalBounds(c, query);
  if (bounds === "empty" || query.limit <= 0) return { order, messages: [] };
  const status = query.anchorStatus;
  const tierWanted: AnchorStatus | undefined =
    status !== undefined && status.status !== "pending" ? status.status : undefined;

  const messages: ListedMessage[] = [];
  let cursorQuery = query;
  const chunk = tierWanted === undefined ? query.limit : Math.max(100, query.limit * 2);
  for (;;) {
    const docs: MessageDoc[] = await c.messages
      .find(listingFilter(cursorQuery, order, bounds), { sort: SORT[order], limit: chunk })
      .toArray();
    const batchOf = await batchFinder(
      c,
      docs.map((d) => d.n),
    );
    let keep = (_batchId: number | null) => true;
    if (tierWanted !== undefined && status !== undefined) {
      const ids = [...new Set(docs.map((d) => batchOf(d.n)).filter((b): b is number => b !== null))];
      const tiers = await batchTiers(c, ids, status.targets);
      const wanted = ANCHOR_STATUSES.indexOf(tierWanted);
      keep = (batchId) => batchId !== null && tiers.get(batchId) === wanted;
    }
    for (const d of docs) {
      const batchId = batchOf(d.n);
      if (keep(batchId)) messages.push({ ...messageFromDoc(d, batchId), arrival: d.n });
      if (messages.length === query.limit) return { order, messages };
    }
    if (docs.length < chunk) return { order, messages };
    const last = docs[docs.length - 1]!;
    cursorQuery = { ...query, after: { seq: last.seq ?? 0, receivedAt: last.receivedAt, arrival: last.n } };
  }
}
