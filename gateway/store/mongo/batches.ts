// Batches: runs of arrival numbers (firstN..lastN), sealed in one transaction whatever their size.
import { type Hex, hexToBytes, SealtrailError } from "#protocol";
import type { BatchRecord } from "../types.ts";
import { batchFromDoc, bytesOf, type ClientSession, type Collections, hexOf } from "./documents.ts";
import { takeNumbers } from "./insertMessages.ts";

/** The arrival number of the last sealed batch's last message (0 before the first batch). */
export async function lastBatchedN(c: Collections, session?: ClientSession): Promise<number> {
  const last = await c.batches
    .find({}, { sort: { lastN: -1 }, limit: 1, projection: { lastN: 1 }, ...(session ? { session } : {}) })
    .next();
  return last?.lastN ?? 0;
}

/** See Store.unbatchedSummary: the same reads as SQLite's, each one index seek. */
export async function unbatchedSummary(
  c: Collections,
  maxSize: number,
): Promise<{ count: number; lastN: number; oldestReceivedAt: number | null }> {
  const after = await lastBatchedN(c);
  const first = await c.messages
    .find({ n: { $gt: after } }, { sort: { n: 1 }, limit: 1, projection: { n: 1, receivedAt: 1 } })
    .next();
  if (!first) return { count: 0, lastN: after, oldestReceivedAt: null };
  const max = await c.messages.find({}, { sort: { n: -1 }, limit: 1, projection: { n: 1 } }).next();
  const maxN = max?.n ?? after;
  if (maxN - after <= maxSize) {
    const count = await c.messages.countDocuments({ n: { $gt: after } });
    if (count <= maxSize) return { count, lastN: maxN, oldestReceivedAt: first.receivedAt };
  }
  const last = await c.messages
    .find({ n: { $gt: after } }, { sort: { n: 1 }, skip: maxSize - 1, limit: 1, projection: { n: 1 } })
    .next();
  return { count: maxSize, lastN: last?.n ?? maxN, oldestReceivedAt: first.receivedAt };
}

/** Ids of messages with arrival number in (afterN, upToN], at most `limit`, as 32-byte runs. */
export async function readUnbatchedIds(
  c: Collections,
  afterN: number,
  upToN: number,
  limit: number,
): Promise<{ ids: Uint8Array; count: number; lastN: number }> {
  const docs = await c.messages
    .find({ n: { $gt: afterN, $lte: upToN } }, { sort: { n: 1 }, limit, projection: { _id: 1, n: 1 } })
    .toArray();
  const ids = new Uint8Array(docs.length * 32);
  for (let i = 0; i < docs.length; i++) ids.set(bytesOf(docs[i]!._id), i * 32);
  return { ids, count: docs.length, lastN: docs.length ? docs[docs.length - 1]!.n : afterN };
}

/**
 * Records the batch of every message after the last batch up to `lastN`, in one transaction: the size must
 * match what is stored (else BATCH_CONFLICT, as SQLite), and the batch number comes from its counter.
 */
export async function sealBatch(
  c: Collections,
  session: ClientSession,
  batch: { root: Hex; sealedAt: number; lastN: number; size: number },
): Promise<BatchRecord> {
  const firstN = (await lastBatchedN(c, session)) + 1;
  const size = await c.messages.countDocuments({ n: { $gte: firstN, $lte: batch.lastN } }, { session });
  if (size !== batch.size || size === 0) {
    throw new SealtrailError("BATCH_CONFLICT", "batch does not match the unbatched messages", {
      details: { expected: batch.size, found: size, firstN, lastN: batch.lastN },
    });
  }
  const id = await takeNumbers(c, session, "batches", 1);
  await c.batches.insertOne(
    {
      _id: id,
      root: Buffer.from(hexToBytes(batch.root, 32)),
      firstN,
      lastN: batch.lastN,
      size,
      sealedAt: batch.sealedAt,
    },
    { session },
  );
  return { id, root: batch.root, size: batch.size, sealedAt: batch.sealedAt };
}

export async function getBatch(c: Collections, id: number): Promise<BatchRecord | undefined> {
  const doc = await c.batches.findOne({ _id: id });
  return doc ? batchFromDoc(doc) : undefined;
}

/** Message ids of a batch, in arrival order. */
export async function batchMessageIds(c: Collections, batchId: number): Promise<Hex[]> {
  const batch = await c.batches.findOne({ _id: batchId });
  if (!batch) return [];
  const docs = await c.messages
    .find({ n: { $gte: batch.firstN, $lte: batch.lastN } }, { sort: { n: 1 }, projection: { _id: 1 } })
    .toArray();
  return docs.map((d) => hexOf(d._id));
}

export async function listBatches(
  c: Collections,
  options: { afterId?: number; limit?: number },
): Promise<BatchRecord[]> {
  const docs = await c.batches
    .find({ _id: { $gt: options.afterId ?? 0 } }, { sort: { _id: 1 }, limit: options.limit ?? 1000 })
    .toArray();
  return docs.map(batchFromDoc);
}

/**
 * The batch of each arrival number among `ns`: the batches covering their range are read once, then each
 * number is found by binary search (as SQLite's batchFinder), instead of one query per message.
 */
export async function batchFinder(
  c: Collections,
  ns: readonly number[],
): Promise<(n: number) => number | null> {
  if (ns.length === 0) return () => null;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const n of ns) {
    if (n < lo) lo = n;
    if (n > hi) hi = n;
  }
  const batches = await c.batches
    .find(
      { lastN: { $gte: lo }, firstN: { $lte: hi } },
      { sort: { lastN: 1 }, projection: { _id: 1, firstN: 1, lastN: 1 } },
    )
    .toArray();
  return (n) => {
    let a = 0;
    let b = batches.length - 1;
    while (a <= b) {
      const mid = (a + b) >> 1;
      const batch = batches[mid]!;
      if (n < batch.firstN) b = mid - 1;
      else if (n > batch.lastN) a = mid + 1;
      else return batch._id;
    }
    return null;
  };
}
