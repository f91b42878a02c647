// What a provenance request reads: the events naming a product and its units, a sensor's readings.
import type { Address, Hex } from "#protocol";
import type { DeviceReadingWindow, ProvenanceEventRecord, WindowReading } from "../eventTypes.ts";
import { batchFinder } from "./batches.ts";
import { type Collections, hexOf, type MessageDoc, sortedEpcs } from "./documents.ts";

/** Most events one provenance request reads (as SQLite): a bound on what one product can cost. */
export const MAX_PROVENANCE_EVENTS = 10_000;
/** Most readings of one device in one window: 40 days at one a minute (as SQLite). */
export const MAX_WINDOW_READINGS = 60_000;

/** Every event naming one of `epcs` (any role), oldest first: one range of the `epcs` index each. */
export async function eventsNaming(
  c: Collections,
  epcs: readonly string[],
): Promise<ProvenanceEventRecord[]> {
  if (epcs.length === 0) return [];
  const docs = await c.events
    .find(
      { "epcs.epc": { $in: [...epcs] } },
      { sort: { eventTime: 1, _id: 1 }, limit: MAX_PROVENANCE_EVENTS, projection: { sensorReports: 0 } },
    )
    .toArray();
  const batchOf = await batchFinder(
    c,
    docs.map((d) => d._id),
  );
  return docs.map((d) => ({
    arrival: d._id,
    messageId: hexOf(d.messageId),
    eventHash: d.eventHash,
    eventId: d.eventId,
    organisation: d.organisation,
    signedBy: d.signedBy,
    type: d.type,
    eventTime: d.eventTime,
    action: d.action ?? null,
    bizStep: d.bizStep ?? null,
    visibility: d.visibility,
    eventJson: d.eventJson,
    epcs: sortedEpcs(d.epcs),
    batchId: batchOf(d._id),
  }));
}

/** Only fields of the `device_readings` index, so MongoDB answers from the index alone. */
export const READING_FIELDS = { _id: 1, n: 1, seq: 1, deviceTs: 1, prev: 1, tempC: 1 } as const;

/**
 * One device's readings with `from <= ts <= to`, plus the last one before and the first one after (so a
 * completeness check sees the edges), in time order: three ranges of the `device_readings` index, each a
 * covered query (indexes.test.ts checks the plan against a real server).
 */
export async function readingsAround(
  c: Collections,
  device: Address,
  from: number,
  to: number,
): Promise<DeviceReadingWindow> {
  const base = { device, kind: "reading" as const };
  const [before, within, after] = await Promise.all([
    c.messages
      .find(
        { ...base, deviceTs: { $lt: from } },
        { sort: { deviceTs: -1, seq: -1 }, limit: 1, projection: READING_FIELDS },
      )
      .next(),
    c.messages
      .find(
        { ...base, deviceTs: { $gte: from, $lte: to } },
        { sort: { deviceTs: 1, seq: 1 }, limit: MAX_WINDOW_READINGS + 1, projection: READING_FIELDS },
      )
      .toArray(),
    c.messages
      .find(
        { ...base, deviceTs: { $gt: to } },
        { sort: { deviceTs: 1, seq: 1 }, limit: 1, projection: READING_FIELDS },
      )
      .next(),
  ]);
  const truncated = within.length > MAX_WINDOW_READINGS;
  if (truncated) within.length = MAX_WINDOW_READINGS;
  const all = [...(before ? [before] : []), ...within, ...(after ? [after] : [])];
  const batchOf = await batchFinder(
    c,
    all.map((r) => r.n),
  );
  const toReading = (r: MessageDoc): WindowReading => ({
    seq: r.seq ?? 0,
    ts: r.deviceTs,
    messageId: hexOf(r._id),
    prev: (r.prev ?? "0x") as Hex,
    tempC: typeof r.tempC === "number" ? r.tempC : null,
    batchId: batchOf(r.n),
  });
  return {
    before: before ? toReading(before) : null,
    within: within.map(toReading),
    after: after ? toReading(after) : null,
    truncated,
  };
}
