// Anchor records: one per (batch, chain, contract), as SQLite's `anchors` table.
import type { Address } from "#protocol";
import type { AnchorRecord, AnchorTarget, AnchorUpdate, BatchRecord } from "../types.ts";
import {
  type AnchorDoc,
  anchorFromDoc,
  batchFromDoc,
  type ClientSession,
  type Collections,
} from "./documents.ts";

const targetFilter = (t: AnchorTarget) => ({ chainId: t.chainId, contract: t.contract });

/**
 * Batches with no anchor record for this target, oldest first. Batches are read in pages by number and
 * each page's records for the target looked up at once (no join in MongoDB); the pages start after the
 * target's longest anchored prefix, so a steady anchorer reads one short page.
 */
export async function batchesToAnchor(
  c: Collections,
  target: AnchorTarget,
  limit: number,
): Promise<BatchRecord[]> {
  const due: BatchRecord[] = [];
  const page = Math.max(256, limit * 2);
  let afterId = await anchoredPrefix(c, target);
  while (due.length < limit) {
    const batches = await c.batches
      .find({ _id: { $gt: afterId } }, { sort: { _id: 1 }, limit: page })
      .toArray();
    if (batches.length === 0) break;
    const ids = batches.map((b) => b._id);
    const anchored = new Set(
      (
        await c.anchors
          .find({ ...targetFilter(target), batchId: { $in: ids } }, { projection: { batchId: 1 } })
          .toArray()
      ).map((a) => a.batchId),
    );
    for (const b of batches) {
      if (!anchored.has(b._id)) due.push(batchFromDoc(b));
      if (due.length === limit) break;
    }
    afterId = batches[batches.length - 1]!._id;
  }
  return due;
}

/**
 * The largest k such that batches 1..k all have a record for the target: batch numbers are dense, so
 * that holds when the count of records with batchId <= k is k. Binary search over the highest record.
 */
async function anchoredPrefix(c: Collections, target: AnchorTarget): Promise<number> {
  const highest = await c.anchors
    .find(targetFilter(target), { sort: { batchId: -1 }, limit: 1, projection: { batchId: 1 } })
    .next();
  let lo = 0;
  let hi = highest?.batchId ?? 0;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const count = await c.anchors.countDocuments({ ...targetFilter(target), batchId: { $lte: mid } });
    if (count === mid) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export async function getAnchors(c: Collections, batchId: number): Promise<AnchorRecord[]> {
  const docs = await c.anchors.find({ batchId }, { sort: { chainId: 1, contract: 1 } }).toArray();
  return docs.map(anchorFromDoc);
}

export async function listAnchors(
  c: Collections,
  target: AnchorTarget,
  statuses: AnchorRecord["status"][],
): Promise<AnchorRecord[]> {
  const docs = await c.anchors
    .find({ ...targetFilter(target), status: { $in: statuses } }, { sort: { batchId: 1 } })
    .toArray();
  return docs.map(anchorFromDoc);
}

/**
 * Creates or replaces the record of (batch, target) in the session's transaction: the fields not in the
 * update keep their values, as SQLite's read-then-INSERT OR REPLACE.
 */
export async function putAnchor(
  c: Collections,
  session: ClientSession,
  target: AnchorTarget,
  batchId: number,
  u: AnchorUpdate,
): Promise<AnchorRecord> {
  const key = { batchId, ...targetFilter(target) };
  const old = await c.anchors.findOne(key, { session });
  const batch = old ? undefined : await c.batches.findOne({ _id: batchId }, { session });
  const root = old?.root ?? batch?.root;
  // SQLite refuses it through the foreign key; the anchorer only ever anchors stored batches.
  if (root === undefined) throw new Error(`no batch ${batchId} to anchor`);
  const base = old ? anchorFromDoc(old) : undefined;
  const r = { ...base, ...u, updatedAt: u.updatedAt ?? Date.now() };
  const doc: AnchorDoc = {
    ...key,
    contractKey: target.contract.toLowerCase(),
    root,
    status: r.status,
    txHash: r.txHash ?? null,
    nonce: r.nonce ?? null,
    rawTx: r.rawTx ?? null,
    maxFeePerGas: r.maxFeePerGas ?? null,
    maxPriorityFeePerGas: r.maxPriorityFeePerGas ?? null,
    submittedAt: r.submittedAt ?? null,
    attempts: r.attempts ?? 0,
    blockNumber: r.blockNumber ?? null,
    blockTimestamp: r.blockTimestamp ?? null,
    gasUsed: r.gasUsed ?? null,
    feeWei: r.feeWei ?? null,
    updatedAt: r.updatedAt,
  };
  await c.anchors.replaceOne(key, doc, { upsert: true, session });
  return anchorFromDoc(doc);
}

/** Deletes every record of a target (its chain was reset): its batches are due again. */
export async function resetAnchors(c: Collections, target: AnchorTarget): Promise<number> {
  return (await c.anchors.deleteMany(targetFilter(target))).deletedCount;
}

/** The anchor records of many batches at once, keyed by batch id. */
export async function anchorsOfBatches(
  c: Collections,
  batchIds: readonly number[],
): Promise<Map<number, { chainId: number; contract: Address; status: string }[]>> {
  const result = new Map<number, { chainId: number; contract: Address; status: string }[]>();
  if (batchIds.length === 0) return result;
  const docs = await c.anchors
    .find(
      { batchId: { $in: [...batchIds] } },
      { projection: { batchId: 1, chainId: 1, contract: 1, status: 1 } },
    )
    .toArray();
  for (const a of docs) {
    const list = result.get(a.batchId) ?? [];
    list.push({ chainId: a.chainId, contract: a.contract as Address, status: a.status });
    result.set(a.batchId, list);
  }
  return result;
}
