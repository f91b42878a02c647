import type { EventStore, EventVisibility, Store } from "#gateway";
import { eventHashId } from "#gs1";
import { type DeviceIdentity, type Hex, invariant } from "#protocol";
import { sensorSummaryEvent, type TemperatureProfile } from "#provenance";
import { type CaptureOutcome, captureEvents, EPCIS_CONTEXT } from "../capture/captureEvents.ts";
import { watchReadings } from "../provenance/watchReadings.ts";
import { profileOfContents } from "./profileOfContents.ts";
import { type SensorInterval, type StoredSummary, sensorIntervals } from "./sensorIntervals.ts";

/**
 * What became of one sensor stretch of the unit: `captured` (a new summary event), `stored-already` (the
 * stretch has its summary: this request stored nothing), or why none was made — `open` (still attached),
 * `unregistered` (no device holds the GIAI), `incomplete` (a reading gap: a summary would claim a minimum,
 * maximum and mean over time nobody can show was measured; late readings may still fill it), `truncated`
 * (more readings than one window holds), `no-readings`.
 */
export type SummaryStatus =
  | "captured"
  | "stored-already"
  | "open"
  | "unregistered"
  | "incomplete"
  | "truncated"
  | "no-readings";

export type SensorSummaryOutcome = {
  device: string;
  /** The device key whose readings the stretch covers (one stretch per key when it was rotated meanwhile). */
  key: string | null;
  from: number;
  to: number | null;
  status: SummaryStatus;
  readings: number;
  gaps: number;
  /** The summary event's identifiers (captured or stored-already). */
  eventID?: string;
  hashId?: string;
  messageId?: Hex;
  /** Whether the summary raised ALARM_CONDITION (captured only). */
  alarm?: boolean;
  organisation?: string;
};

export type SummariseContext = {
  store: Store & EventStore;
  attester: DeviceIdentity;
  /** `…/api/v1` as clients reach it: rawData points at the device's readings under it. */
  apiBaseUrl: string;
  now: number;
  maxSilenceMs: number;
  /** Summarise stretches with reading gaps too (over the readings there are). */
  allowIncomplete: boolean;
  /** Every summary this visible; by default, as visible as the AssociationEvent that attached the sensor. */
  visibility?: EventVisibility;
  defaultProfile?: TemperatureProfile;
};

type Pending = {
  outcome: SensorSummaryOutcome;
  event: Record<string, unknown>;
  organisation: string;
  visibility: EventVisibility;
};

/**
 * Summarises, as EPCIS, every closed sensor stretch of a logistic unit: for each association interval,
 * each key of the device that signed in it gets one `sensor_reporting` ObjectEvent (sensorSummaryEvent:
 * min/max/mean over the verified temperatures, ALARM_CONDITION outside the profile of what the unit
 * carried), captured through the ordinary capture path as attested by the operator for the organisation
 * that attached the sensor — so it is stored, batched and anchored like any event. Idempotent: a stretch
 * whose summary is stored is answered `stored-already`, and two requests racing meet the store's event
 * hash check (the same stretch makes the same event, so the same hash ID). Returns null when no event
 * names the unit.
 * @example await summariseUnitSensors("https://id.gs1.org/00/…", { store, attester, apiBaseUrl, now, maxSilenceMs, allowIncomplete: false })
 */
export async function summariseUnitSensors(
  unit: string,
  ctx: SummariseContext,
): Promise<SensorSummaryOutcome[] | null> {
  const records = await ctx.store.eventsNaming([unit]);
  if (records.length === 0) return null;
  const { intervals, holdings, summaries } = sensorIntervals(records, unit);
  const outcomes: SensorSummaryOutcome[] = [];
  const pending: Pending[] = [];
  for (const interval of intervals) {
    const base = { device: interval.device, from: interval.from, to: interval.to, readings: 0, gaps: 0 };
    if (interval.to === null) {
      outcomes.push({ ...base, key: null, status: "open" });
      continue;
    }
    const to = interval.to;
    const [watched] = await watchReadings(
      ctx.store,
      [{ device: interval.device, unit, from: interval.from, to, via: [] }],
      { now: ctx.now, maxSilenceMs: ctx.maxSilenceMs },
    );
    invariant(watched, "watchReadings answers every watch");
    const gaps = watched.gaps.length;
    if (!watched.device) {
      outcomes.push({ ...base, key: null, gaps, status: "unregistered" });
      continue;
    }
    const { profile } = await profileOfContents(
      ctx.store,
      holdings,
      unit,
      interval.from,
      to,
      ctx.defaultProfile,
    );
    for (const key of watched.keys) {
      const { ts, tempC } = watched.readings;
      const readings = ts.flatMap((t, i) =>
        t >= key.from && t <= key.to ? [{ ts: t, tempC: tempC[i] ?? null }] : [],
      );
      const part = { ...base, key: key.address, from: key.from, to: key.to, readings: readings.length, gaps };
      const stored = findStored(summaries, interval.device, key.from, key.to);
      if (stored) {
        outcomes.push({ ...part, status: "stored-already", ...identifiers(stored.record) });
        continue;
      }
      if (watched.truncated) {
        outcomes.push({ ...part, status: "truncated" });
        continue;
      }
      if (!watched.complete && !ctx.allowIncomplete) {
        outcomes.push({ ...part, status: "incomplete" });
        continue;
      }
      const event = sensorSummaryEvent({
        unit,
        deviceId: interval.device,
        from: key.from,
        to: key.to,
        samples: readings.flatMap((r) => (r.tempC === null ? [] : [{ ts: r.ts, tempC: r.tempC }])),
        profile,
        rawData: `${ctx.apiBaseUrl}/devices/${key.address}/readings?fromTs=${key.from}&toTs=${key.to}`,
      });
      if (event === null) {
        outcomes.push({ ...part, status: "no-readings" });
        continue;
      }
      const outcome: SensorSummaryOutcome = { ...part, status: "captured", alarm: isAlarm(event) };
      outcomes.push(outcome);
      pending.push({ outcome, event, ...target(interval, ctx) });
    }
  }
  await capturePending(pending, ctx);
  return outcomes;
}

const target = (interval: SensorInterval, ctx: SummariseContext) => ({
  organisation: interval.organisation,
  visibility: ctx.visibility ?? interval.visibility,
});

const identifiers = (r: { eventId: string; eventHash: string; messageId: Hex }) => ({
  eventID: r.eventId,
  hashId: r.eventHash,
  messageId: r.messageId,
});

function findStored(
  summaries: readonly StoredSummary[],
  device: string,
  from: number,
  to: number,
): StoredSummary | undefined {
  return summaries.find((s) => s.device === device && s.from === from && s.to === to);
}

const isAlarm = (event: Record<string, unknown>): boolean =>
  JSON.stringify(event.sensorElementList).includes('"exception":"ALARM_CONDITION"');

/**
 * Captures the new summaries, one capture per organisation and visibility, proceeding past refusals so one
 * raced duplicate does not hold back the others; a duplicate is answered with the stored event's ids.
 */
async function capturePending(pending: readonly Pending[], ctx: SummariseContext): Promise<void> {
  const groups = new Map<string, Pending[]>();
  for (const p of pending) {
    const key = `${p.visibility}\u0000${p.organisation}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  for (const group of groups.values()) {
    const { organisation, visibility } = group[0]!;
    const outcome: CaptureOutcome = await captureEvents(
      {
        kind: "document",
        document: {
          "@context": [EPCIS_CONTEXT],
          type: "EPCISDocument",
          schemaVersion: "2.0",
          creationDate: new Date(ctx.now).toISOString(),
          epcisBody: { eventList: group.map((p) => p.event) },
        },
      },
      {
        store: ctx.store,
        attester: ctx.attester,
        capturer: { kind: "admin" },
        organisation,
        visibility,
        allOrNothing: false,
        now: ctx.now,
      },
    );
    for (const captured of outcome.captured) {
      const p = group[captured.index]!;
      const stored = await ctx.store.findEvent({ messageId: captured.messageId as Hex });
      Object.assign(p.outcome, { organisation, ...(stored ? identifiers(stored) : {}) });
    }
    for (const error of outcome.errors) {
      // The summaries are ours: anything but a raced duplicate means sensorSummaryEvent broke a rule.
      invariant(
        error.code === "EPCIS_DUPLICATE_EVENT" && error.index !== null,
        `a sensor summary was refused: ${error.code} ${error.detail}`,
      );
      const p = group[error.index]!;
      const stored = await ctx.store.findEvent({ eventHash: eventHashId(p.event) });
      Object.assign(p.outcome, {
        status: "stored-already",
        ...(stored ? identifiers(stored) : {}),
      });
      delete p.outcome.alarm;
    }
  }
}
