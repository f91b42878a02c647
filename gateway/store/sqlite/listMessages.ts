import type Database from "better-sqlite3";
import { ANCHOR_STATUSES, normalizeAddress } from "#protocol";
import { messageOrderOf } from "../messageOrderOf.ts";
import type { AnchorTarget, ListedMessage, MessageOrder, MessageQuery } from "../types.ts";
import { MESSAGE_WITH_BATCH, type MessageRow, messageFromRow } from "./rows.ts";
import { MessageKind } from "./schema.ts";
import { SIGNER_KEY_SQL } from "./signerKey.ts";

/** Arrival-number bounds of a listing, from its batch and anchor-status filters; `empty` when none can match. */
export type ArrivalBounds = { lo?: number; hi?: number; empty?: true };

const SEALED_TIER = ANCHOR_STATUSES.indexOf("sealed");

// The summary status of batch `b` over the targets in the JSON parameter, as a tier (an index into
// ANCHOR_STATUSES): the furthest tier of its anchor records on those targets, `sealed` when there is none.
// The same rule as the API's summarizeAnchorStatus; contracts compare in lowercase as in resolveAnchors.
const BATCH_TIER = `coalesce((SELECT max(CASE a.status ${ANCHOR_STATUSES.map((s, i) => `WHEN '${s}' THEN ${i}`).join(" ")} ELSE ${SEALED_TIER} END)
    FROM anchors a, json_each(@targets) t
    WHERE a.batch_id = b.id AND a.chain_id = json_extract(t.value, '$[0]') AND lower(a.contract) = json_extract(t.value, '$[1]')), ${SEALED_TIER})`;

/**
 * The SQL of one page. Each order walks one index from the cursor and stops after `limit` rows, so a page
 * costs the rows it skips over, never a sort of the whole match: `seq` walks the (signer, seq) unique index,
 * `received` the received_at index (whose entries end with the arrival number, so ties are ordered too),
 * `arrival` the primary key, narrowed to the arrival range of the batch and anchor-status filters. The
 * other filters are checked on each row walked; a `+` in front of a column keeps SQLite from choosing
 * another index for it, which would need a sort (the plans are pinned by listMessages.test.ts).
 */
export function messageListingSql(
  query: MessageQuery,
  bounds: ArrivalBounds,
): { sql: string; params: Record<string, unknown>; order: MessageOrder } {
  const order = messageOrderOf(query);
  // Events share the messages table (schema 3) but are not readings: no index needed, every row walked is
  // checked, and events are listed through their own table.
  const where: string[] = [`m.kind = ${MessageKind.Reading}`];
  const params: Record<string, unknown> = { limit: query.limit };
  const col = (name: string, indexed: boolean) => (indexed ? `m.${name}` : `+m.${name}`);
  const add = (clause: string, values: Record<string, unknown>) => {
    where.push(clause);
    Object.assign(params, values);
  };

  if (query.device !== undefined)
    add(`${col("signer", order === "seq")} = ${SIGNER_KEY_SQL("@device")}`, { device: query.device });
  if (query.deviceTsFrom !== undefined)
    add(`${col("device_ts", false)} >= @deviceTsFrom`, { deviceTsFrom: query.deviceTsFrom });
  if (query.deviceTsTo !== undefined)
    add(`${col("device_ts", false)} <= @deviceTsTo`, { deviceTsTo: query.deviceTsTo });
  const receivedIndexed = order === "received";
  if (query.receivedFrom !== undefined)
    add(`${col("received_at", receivedIndexed)} >= @receivedFrom`, { receivedFrom: query.receivedFrom });
  if (query.receivedTo !== undefined)
    add(`${col("received_at", receivedIndexed)} <= @receivedTo`, { receivedTo: query.receivedTo });
  const arrivalIndexed = order === "arrival";
  if (bounds.lo !== undefined) add(`${col("n", arrivalIndexed)} >= @lo`, { lo: bounds.lo });
  if (bounds.hi !== undefined) add(`${col("n", arrivalIndexed)} <= @hi`, { hi: bounds.hi });
  const status = query.anchorStatus;
  if (status !== undefined && status.status !== "pending") {
    // Every message within the bounds is batched; its batch is the first whose last_n reaches it.
    add(`(SELECT ${BATCH_TIER} FROM batches b WHERE b.last_n >= m.n ORDER BY b.last_n LIMIT 1) = @tier`, {
      tier: ANCHOR_STATUSES.indexOf(status.status),
      targets: targetsJson(status.targets),
    });
  }

  const after = query.after;
  let orderBy: string;
  switch (order) {
    case "seq":
      if (after) add("m.seq > @afterSeq", { afterSeq: after.seq });
      orderBy = "m.seq";
      break;
    case "received":
      if (after)
        add("(m.received_at, m.n) > (@afterReceivedAt, @afterArrival)", {
          afterReceivedAt: after.receivedAt,
          afterArrival: after.arrival,
        });
      orderBy = "m.received_at, m.n";
      break;
    case "arrival":
      if (after) add("m.n > @afterArrival", { afterArrival: after.arrival });
      orderBy = "m.n";
      break;
  }
  const sql = `${MESSAGE_WITH_BATCH} WHERE ${where.join(" AND ")} ORDER BY ${orderBy} LIMIT @limit`;
  return { sql, params, order };
}

/**
 * The arrival range that the batch and anchor-status filters allow. A batch is a run of arrival numbers;
 * `pending` is everything after the last batch; another status is the span from the first to the last
 * batch with that status (statuses advance in batch order, so the span is tight), each message in it
 * then checked against its own batch.
 */
export function arrivalBounds(db: Database.Database, query: MessageQuery): ArrivalBounds {
  let lo: number | undefined;
  let hi: number | undefined;
  const narrow = (from: number, to?: number) => {
    lo = lo === undefined ? from : Math.max(lo, from);
    if (to !== undefined) hi = hi === undefined ? to : Math.min(hi, to);
  };
  if (query.batchId !== undefined) {
    const batch = db.prepare("SELECT first_n, last_n FROM batches WHERE id = ?").get(query.batchId) as
      | { first_n: number; last_n: number }
      | undefined;
    if (batch === undefined) return { empty: true };
    narrow(batch.first_n, batch.last_n);
  }
  const status = query.anchorStatus;
  if (status?.status === "pending") {
    narrow((db.prepare("SELECT coalesce(max(last_n), 0) FROM batches").pluck().get() as number) + 1);
  } else if (status !== undefined) {
    const span = db
      .prepare(`SELECT min(b.first_n) AS lo, max(b.last_n) AS hi FROM batches b WHERE ${BATCH_TIER} = @tier`)
      .get({ tier: ANCHOR_STATUSES.indexOf(status.status), targets: targetsJson(status.targets) }) as {
      lo: number | null;
      hi: number | null;
    };
    if (span.lo === null || span.hi === null) return { empty: true };
    narrow(span.lo, span.hi);
  }
  if (lo !== undefined && hi !== undefined && lo > hi) return { empty: true };
  return { ...(lo === undefined ? {} : { lo }), ...(hi === undefined ? {} : { hi }) };
}

/** One page of a message listing: see Store.listMessages. */
export function listMessages(
  db: Database.Database,
  query: MessageQuery,
): { order: MessageOrder; messages: ListedMessage[] } {
  const bounds = arrivalBounds(db, query);
  const { sql, params, order } = messageListingSql(query, bounds);
  if (bounds.empty) return { order, messages: [] };
  const rows = db.prepare(sql).all(params) as MessageRow[];
  return { order, messages: rows.map((r) => ({ ...messageFromRow(r), arrival: r.n })) };
}

function targetsJson(targets: readonly AnchorTarget[]): string {
  return JSON.stringify(targets.map((t) => [t.chainId, normalizeAddress(t.contract)]));
}
