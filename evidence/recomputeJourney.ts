import type { Hex } from "#protocol";
import {
  type ChainGap,
  type ChainLink,
  type ColdChainAssessment,
  checkReadingChain,
  type TemperatureProfile,
} from "#provenance";
// The server's own rule for "which sensor's gap is forgiven" (pure: #provenance only), imported rather than
// copied so that the verifier and the server cannot drift apart. It belongs in provenance/.
import { assessJourney } from "../api/services/provenance/assessJourney.ts";
import type { WatchedReadings } from "../api/services/provenance/watchReadings.ts";
import type { ReadingColumns } from "../gateway/store/eventTypes.ts";
import type { EvidencePackage, JourneySensor } from "./evidencePackage.ts";
import type { EvidenceFailure, VerifiedEvent, VerifiedReading } from "./verifyEvidenceMessages.ts";

/** One sensor stretch as recomputed from verified readings only. */
export type RecomputedSensor = JourneySensor & { readings: number; complete: boolean; gaps: ChainGap[] };

export type RecomputedJourney = {
  /** Every sensor stretch (or the device window) has a gap-free, hash-linked run of verified readings. */
  complete: boolean;
  sensors: RecomputedSensor[];
  /** Null for a device package (no product, no profile). */
  coldChain: ColdChainAssessment | null;
};

const tempOf = (r: VerifiedReading): number | null => {
  const t = r.reading.m.temp_c;
  return typeof t === "number" ? t : null;
};

/**
 * Completeness and the cold-chain verdict recomputed from the readings whose signatures and proofs verified
 * (never from the server's claims), under the package's profile and silence limit, by the same pure rules
 * the server uses; and every journey event accounted for (a visible one verified, a private one a leaf of a
 * proven batch). Differences from the server's `claimed` are failures: the server said something its own
 * evidence does not show.
 * @example recomputeJourney(pkg, offline.readings.verified, offline.events.verified, hiddenProven, failures).coldChain?.verdict
 */
export function recomputeJourney(
  pkg: EvidencePackage,
  readings: readonly VerifiedReading[],
  events: readonly VerifiedEvent[],
  provenHidden: ReadonlySet<Hex>,
  failures: EvidenceFailure[],
): RecomputedJourney {
  const byDevice = new Map<string, VerifiedReading[]>();
  for (const r of readings) {
    const list = byDevice.get(r.device) ?? [];
    list.push(r);
    byDevice.set(r.device, list);
  }
  for (const list of byDevice.values())
    list.sort((a, b) => a.reading.ts - b.reading.ts || a.reading.seq - b.reading.seq);
  const link = (r: VerifiedReading): ChainLink => ({
    seq: r.reading.seq,
    ts: r.reading.ts,
    messageId: r.messageId,
    prev: `0x${Array.from(r.reading.prev, (b) => b.toString(16).padStart(2, "0")).join("")}`,
  });
  /** The readings of a device in [from, to] and the neighbour on each side, as watchReadings reads them. */
  const around = (device: string, from: number, to: number) => {
    const list = byDevice.get(device) ?? [];
    const within = list.filter((r) => r.reading.ts >= from && r.reading.ts <= to);
    const before = list.filter((r) => r.reading.ts < from).at(-1) ?? null;
    const after = list.find((r) => r.reading.ts > to) ?? null;
    return { within, before, after };
  };

  if (pkg.subject.kind === "device") {
    const { from, to, id } = pkg.subject;
    const w = around(id.toLowerCase(), from, to);
    const links = [w.before, ...w.within, w.after].filter((r): r is VerifiedReading => r !== null).map(link);
    const chain = checkReadingChain(links, { from, to, maxSilenceMs: pkg.maxSilenceMs });
    compare(pkg.claimed.complete, chain.complete, "completeness", failures);
    const sensor = { giai: null, device: id, unit: id, via: [], from, to };
    return {
      complete: chain.complete,
      sensors: [{ ...sensor, readings: w.within.length, ...chain }],
      coldChain: null,
    };
  }

  const journey = pkg.journey;
  if (journey === null) {
    failures.push({
      subject: "journey",
      check: "journey",
      detail: `a ${pkg.subject.kind} package needs a journey`,
    });
    return { complete: false, sensors: [], coldChain: null };
  }
  const visible = new Set(events.map((e) => e.messageId));
  for (const e of journey.events) {
    const id = e.messageId.toLowerCase() as Hex;
    if (e.visible ? !visible.has(id) : !provenHidden.has(id))
      failures.push({
        subject: `event ${id}`,
        check: "journey",
        detail: e.visible
          ? "a journey event with no verified signed message"
          : "a private journey event that is no proven leaf",
      });
  }
  const devices = new Map(pkg.keys.devices.map((k) => [k.address.toLowerCase(), k]));
  const watched: WatchedReadings[] = [];
  const sensors: RecomputedSensor[] = [];
  for (const s of journey.sensors) {
    const device = s.device?.toLowerCase() ?? null;
    if (device !== null && devices.get(device)?.giai !== s.giai)
      failures.push({
        subject: `sensor ${s.giai}`,
        check: "journey",
        detail: `device ${device} does not carry GIAI ${s.giai} in the package's keys`,
      });
    const w = device === null ? { within: [], before: null, after: null } : around(device, s.from, s.to);
    const links = [w.before, ...w.within, w.after].filter((r): r is VerifiedReading => r !== null).map(link);
    const chain = checkReadingChain(links, { from: s.from, to: s.to, maxSilenceMs: pkg.maxSilenceMs });
    sensors.push({ ...s, readings: w.within.length, ...chain });
    // assessJourney reads the API's column form: ids and prevs as lowercase hex without 0x, concatenated.
    const columns = (rows: readonly VerifiedReading[]): ReadingColumns => ({
      count: rows.length,
      seq: rows.map((r) => r.reading.seq),
      ts: rows.map((r) => r.reading.ts),
      tempC: rows.map(tempOf),
      batchId: rows.map(() => null),
      idsHex: rows.map((r) => r.messageId.slice(2).toLowerCase()).join(""),
      prevsHex: rows.map((r) => String(link(r).prev).slice(2).toLowerCase()).join(""),
    });
    watched.push({
      watch: { device: s.giai ?? "", unit: s.unit, from: s.from, to: s.to, via: s.via },
      giai: s.giai,
      device: undefined,
      // One key per sensor stretch: a package names the key that signed (see docs/evidence.md, rotation).
      keys: device === null ? [] : [{ address: device as Hex, from: s.from, to: s.to }],
      from: s.from,
      to: s.to,
      readings: columns(w.within),
      before: columns(w.before ? [w.before] : []),
      after: columns(w.after ? [w.after] : []),
      truncated: false,
      ...chain,
    });
  }
  const profile: TemperatureProfile | null = pkg.profile && {
    name: pkg.profile.name,
    minC: pkg.profile.minC,
    maxC: pkg.profile.maxC,
    maxSingleExcursionMs: pkg.profile.maxSingleExcursionMs,
    maxCumulativeExcursionMs: pkg.profile.maxCumulativeExcursionMs,
  };
  const firstEvent = Math.min(
    ...events.map((e) => eventTime(e)).filter((t) => Number.isFinite(t)),
    pkg.generatedAt,
  );
  const coldChain = profile && assessJourney(watched, profile, { from: firstEvent, to: pkg.generatedAt });
  const complete = sensors.length > 0 && sensors.every((s) => s.complete);
  compare(pkg.claimed.complete, complete, "completeness", failures);
  if (coldChain) compare(pkg.claimed.verdict, coldChain.verdict, "verdict", failures);
  return { complete, sensors, coldChain };
}

function eventTime(e: VerifiedEvent): number {
  const t = e.event.eventTime;
  return typeof t === "string" ? Date.parse(t) : Number.NaN;
}

function compare(claimed: unknown, recomputed: unknown, check: string, failures: EvidenceFailure[]): void {
  if (claimed !== null && claimed !== recomputed)
    failures.push({
      subject: "journey",
      check,
      detail: `the server claims ${String(claimed)}, the verified evidence shows ${String(recomputed)}`,
    });
}
