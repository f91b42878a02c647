import type { AnchorTarget, EventStore, EventViewer, ReadingColumns, Store } from "#gateway";
import type { AnchorStatus, Hex } from "#protocol";
import {
  type ChainGap,
  type ColdChainAssessment,
  type Enclosure,
  sensorsWatching,
  type TemperatureProfile,
} from "#provenance";
import type { ItemRef } from "../../validation/parseItemParam.ts";
import { anchorTiers } from "./anchorTiers.ts";
import { assessJourney } from "./assessJourney.ts";
import type { CallerAccess } from "./callerAccess.ts";
import { messageIdAt } from "./readingColumns.ts";
import { type EffectiveProfile, temperatureProfileOf } from "./temperatureProfileOf.ts";
import { traceItem } from "./traceItem.ts";
import { watchReadings } from "./watchReadings.ts";

/**
 * The provenance document's format: versioned, so a reader can refuse one it does not know. v2 (issue 12):
 * reading rows are [ts, tempC, batch], with the message id as a fourth column only when asked for
 * (`readingIds`); v1's rows were [ts, tempC, messageId, batch], the ids three quarters of a 30-day answer.
 */
export const PROVENANCE_FORMAT = "sealtrail-provenance-v2";
/** Columns of a reading row: 43,200 readings as objects would repeat every key 43,200 times. */
export const READING_COLUMNS = ["ts", "tempC", "batch"] as const;
/** The same with each reading's message id, for a caller that asked for them. */
export const READING_COLUMNS_WITH_IDS = [...READING_COLUMNS, "messageId"] as const;
export type ReadingRow =
  | [ts: number, tempC: number | null, batch: number | null]
  | [ts: number, tempC: number | null, batch: number | null, messageId: Hex];

export type ProvenanceEventJson =
  | {
      visible: true;
      eventId: string;
      hashId: string;
      messageId: Hex;
      type: string;
      eventTime: number;
      action: string | null;
      bizStep: string | null;
      organisation: string;
      signedBy: string;
      visibility: "public" | "private";
      /** The identifier that brought the event into the journey: the item, or the unit that held it. */
      subject: string;
      batch: number | null;
      status: AnchorStatus;
      event: unknown;
    }
  | { visible: false; hashId: string; messageId: Hex; batch: number | null; status: AnchorStatus };

export type ProvenanceDocument = {
  format: typeof PROVENANCE_FORMAT;
  item: { id: string; gtin: string | null };
  access: CallerAccess;
  generatedAt: number;
  events: ProvenanceEventJson[];
  units: Enclosure[];
  devices: {
    giai: string | null;
    device: string | null;
    /** The device's keys over the stretch, oldest first (more than one when it was rotated meanwhile). */
    keys: { address: string; from: number; to: number }[];
    label: string | null;
    unit: string;
    via: string[];
    from: number;
    to: number | null;
    complete: boolean;
    gaps: ChainGap[];
    readings: {
      count: number;
      truncated: boolean;
      columns: typeof READING_COLUMNS | typeof READING_COLUMNS_WITH_IDS;
      rows: ReadingRow[];
    };
    before: ReadingRow | null;
    after: ReadingRow | null;
  }[];
  /** Anchor tier of every batch named above (a batch id absent from here: none; null batch: pending). */
  batches: Record<string, AnchorStatus>;
  profile: EffectiveProfile;
  coldChain: ColdChainAssessment;
};

export type ProvenanceContext = {
  store: Store & EventStore;
  targets: readonly AnchorTarget[];
  access: CallerAccess;
  /** Who asks, as the event store applies visibility (callerAccess gives both). */
  viewer: EventViewer;
  now: number;
  maxSilenceMs: number;
  defaultProfile?: TemperatureProfile;
  /** Give each reading row its message id (4 MB instead of 1 MB of JSON for 30 days at one a minute). */
  readingIds?: boolean;
};

/** The readings as rows, straight from their columns (no object per reading on the way). */
function rowsOf(c: ReadingColumns, withIds: boolean): ReadingRow[] {
  const rows: ReadingRow[] = new Array(c.count);
  for (let i = 0; i < c.count; i++) {
    const ts = c.ts[i]!;
    const tempC = c.tempC[i] ?? null;
    const batch = c.batchId[i] ?? null;
    rows[i] = withIds ? [ts, tempC, batch, messageIdAt(c, i)] : [ts, tempC, batch];
  }
  return rows;
}

/**
 * The provenance of one item: its events in time order (those the caller may not see — visibleEvents —
 * as hashes only), the units that held it, the sensors attached to those units with their readings over each
 * stretch and whether those are complete, and the cold-chain verdict under the GTIN's profile. Returns
 * null when no event the caller may know of names the item.
 * @example await buildProvenance(parseItemParam("/01/…/21/…"), { store, targets, access: "public", viewer: { kind: "anonymous" }, now, maxSilenceMs })
 */
export async function buildProvenance(
  item: ItemRef,
  ctx: ProvenanceContext,
): Promise<ProvenanceDocument | null> {
  const trace = await traceItem(ctx.store, item.id, ctx.viewer);
  if (trace.events.length === 0) return null;
  const watched = await watchReadings(ctx.store, sensorsWatching(item.id, trace.holdings), {
    now: ctx.now,
    maxSilenceMs: ctx.maxSilenceMs,
  });
  const batchIds = new Set<number>();
  for (const { record } of trace.events) if (record.batchId !== null) batchIds.add(record.batchId);
  for (const w of watched)
    for (const c of [w.readings, w.before, w.after])
      for (const b of c.batchId) if (b !== null) batchIds.add(b);
  const tiers = await anchorTiers(ctx.store, ctx.targets, batchIds);
  const tierOf = (batch: number | null): AnchorStatus =>
    batch === null ? "pending" : (tiers.get(batch) ?? "sealed");

  const events = trace.events.map(({ record, subject }): ProvenanceEventJson => {
    const state = { batch: record.batchId, status: tierOf(record.batchId) };
    if (!trace.visible.has(record.eventHash)) {
      return { visible: false, hashId: record.eventHash, messageId: record.messageId, ...state };
    }
    return {
      visible: true,
      eventId: record.eventId,
      hashId: record.eventHash,
      messageId: record.messageId,
      type: record.type,
      eventTime: record.eventTime,
      action: record.action,
      bizStep: record.bizStep,
      organisation: record.organisation,
      signedBy: record.signedBy,
      visibility: record.visibility,
      subject,
      ...state,
      event: JSON.parse(record.eventJson),
    };
  });

  const profile = await temperatureProfileOf(ctx.store, item.gtin, ctx.defaultProfile);
  const firstEvent = trace.events[0]!.record.eventTime;
  const coldChain = assessJourney(watched, profile.profile, { from: firstEvent, to: ctx.now });
  const withIds = ctx.readingIds === true;
  return {
    format: PROVENANCE_FORMAT,
    item: { id: item.id, gtin: item.gtin },
    access: ctx.access,
    generatedAt: ctx.now,
    events,
    units: trace.enclosures,
    devices: watched.map((w) => ({
      giai: w.giai,
      device: w.device?.address ?? null,
      keys: w.keys,
      label: w.device?.label ?? null,
      unit: w.watch.unit,
      via: w.watch.via,
      from: w.from,
      to: w.watch.to,
      complete: w.complete,
      gaps: w.gaps,
      readings: {
        count: w.readings.count,
        truncated: w.truncated,
        columns: withIds ? READING_COLUMNS_WITH_IDS : READING_COLUMNS,
        rows: rowsOf(w.readings, withIds),
      },
      before: rowsOf(w.before, withIds)[0] ?? null,
      after: rowsOf(w.after, withIds)[0] ?? null,
    })),
    batches: Object.fromEntries([...tiers].map(([id, tier]) => [String(id), tier])),
    profile,
    coldChain,
  };
}
