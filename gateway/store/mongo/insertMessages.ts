import type { Hex } from "#protocol";
import type { InsertOutcome, MessageRecord } from "../types.ts";
import { type ClientSession, type Collections, hexOf, idBuffer, type MessageDoc } from "./documents.ts";

/**
 * Takes `count` numbers from a named sequence inside the session's transaction: the first of them. The
 * counter document is written by every writer, so two transactions taking numbers conflict and MongoDB
 * lets only one commit (the other is retried from its start): numbers are given in commit order, dense,
 * and a number is visible only once every smaller one is. The batcher relies on that: a batch is a run of
 * arrival numbers and must never be sealed past a message that is still to come.
 */
export async function takeNumbers(
  c: Collections,
  session: ClientSession,
  name: "messages" | "batches" | "registry_outbox",
  count: number,
): Promise<number> {
  const after = await c.counters.findOneAndUpdate(
    { _id: name },
    { $inc: { value: count } },
    { upsert: true, returnDocument: "after", session },
  );
  if (after === null) throw new Error(`counter ${name} did not come back from an upsert`);
  return after.value - count + 1;
}

/** A reading's `prev` and `m.temp_c`, kept beside the payload so provenance reads them from an index. */
function provenanceFields(payloadJson: string): { prev?: string; tempC?: number } {
  try {
    const payload = JSON.parse(payloadJson) as { prev?: unknown; m?: { temp_c?: unknown } };
    return {
      ...(typeof payload.prev === "string" ? { prev: payload.prev } : {}),
      ...(typeof payload.m?.temp_c === "number" ? { tempC: payload.m.temp_c } : {}),
    };
  } catch {
    // The gateway writes this JSON itself; an unreadable one (a test's placeholder) just has no fields.
    return {};
  }
}

/**
 * Stores a group of readings in the session's transaction, each after the last, with SQLite's outcomes:
 * a message id already stored (or earlier in the group) is a duplicate, a used (device, seq) with other
 * bytes is equivocation. Both are looked up before anything is written, because a duplicate-key error
 * inside a transaction aborts all of it; the unique indexes stay as the guard against another gateway
 * committing the same message meanwhile (a write conflict: the driver runs this again and it then finds it).
 */
export async function insertMessages(
  c: Collections,
  session: ClientSession,
  messages: readonly MessageRecord[],
): Promise<InsertOutcome[]> {
  const ids = messages.map((m) => idBuffer(m.messageId));
  const stored = new Set<Hex>();
  for (const d of await c.messages.find({ _id: { $in: ids } }, { session, projection: { _id: 1 } }).toArray())
    stored.add(hexOf(d._id));

  const seqsByDevice = new Map<string, number[]>();
  for (const m of messages) {
    const seqs = seqsByDevice.get(m.device) ?? [];
    seqs.push(m.seq);
    seqsByDevice.set(m.device, seqs);
  }
  const bySeq = new Map<string, Hex>();
  const seqKey = (device: string, seq: number) => `${device}/${seq}`;
  const used = await c.messages
    .find(
      {
        kind: "reading",
        $or: [...seqsByDevice].map(([device, seqs]) => ({ device, seq: { $in: seqs } })),
      },
      { session, projection: { _id: 1, device: 1, seq: 1 } },
    )
    .toArray();
  for (const d of used) bySeq.set(seqKey(d.device, d.seq ?? 0), hexOf(d._id));

  const outcomes: InsertOutcome[] = [];
  const fresh: { message: MessageRecord; index: number }[] = [];
  for (const [index, m] of messages.entries()) {
    const id = m.messageId.toLowerCase() as Hex;
    if (stored.has(id)) {
      outcomes.push({ status: "duplicate" });
      continue;
    }
    const existing = bySeq.get(seqKey(m.device, m.seq));
    if (existing !== undefined) {
      outcomes.push({ status: "equivocation", existingId: existing });
      continue;
    }
    stored.add(id);
    bySeq.set(seqKey(m.device, m.seq), id);
    fresh.push({ message: m, index });
    outcomes.push({ status: "inserted" });
  }
  if (fresh.length === 0) return outcomes;

  const first = await takeNumbers(c, session, "messages", fresh.length);
  const docs: MessageDoc[] = fresh.map(({ message: m, index }, i) => ({
    _id: ids[index]!,
    n: first + i,
    kind: "reading",
    device: m.device,
    seq: m.seq,
    raw: Buffer.from(m.raw),
    deviceTs: m.deviceTs,
    receivedAt: m.receivedAt,
    payload: m.payloadJson,
    ...provenanceFields(m.payloadJson),
  }));
  await c.messages.insertMany(docs, { session, ordered: true });
  return outcomes;
}
