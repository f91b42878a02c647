import type { DeviceRecord, EventStore, ReadingColumns, Store } from "#gateway";
import { isGs1Error, parseDigitalLink } from "#gs1";
import { type ChainGap, checkReadingChain, type SensorWatch } from "#provenance";
import { chainLinksOf, joinReadingColumns, noReadings } from "./readingColumns.ts";

/** One sensor over one stretch of the journey, with its readings and whether they are complete. */
export type WatchedReadings = {
  watch: SensorWatch;
  /** The GIAI the AssociationEvent named (bare key), or null when it named no GIAI. */
  giai: string | null;
  /** The registered device with that GIAI, or undefined when none is registered (its readings unknown). */
  device: DeviceRecord | undefined;
  /**
   * The device's keys that signed during the stretch, oldest first, each over the part it held (a rotation
   * hands the GIAI to the new key at its instant): one entry unless the key was rotated meanwhile.
   */
  keys: { address: DeviceRecord["address"]; from: number; to: number }[];
  from: number;
  to: number;
  /** Readings with from <= ts <= to (only stored, so verified, ones), by time, as columns. */
  readings: ReadingColumns;
  /** The reading just before the stretch and the one just after it (0 or 1 row each). */
  before: ReadingColumns;
  after: ReadingColumns;
  truncated: boolean;
  complete: boolean;
  gaps: ChainGap[];
};

const giaiOf = (id: string): string | null => {
  try {
    const { key } = parseDigitalLink(id);
    return key.type === "giai" ? key.giai : null;
  } catch (cause) {
    if (isGs1Error(cause)) return null;
    throw cause;
  }
};

/** Most keys followed back through rotations: a device rotated more often than this is a bug or an attack. */
export const MAX_KEY_ROTATIONS = 32;

/**
 * The keys of the device that holds a GIAI now, oldest first, each with the time it signed for the device:
 * from its registration by rotation (the first key: from the start of time) to its revocation by rotation
 * (the current key: to the end of time).
 */
async function keyHistory(
  store: Pick<Store, "getDevice">,
  current: DeviceRecord,
): Promise<{ device: DeviceRecord; from: number; to: number }[]> {
  const keys = [current];
  for (let k = current; k.rotatedFrom !== null && keys.length <= MAX_KEY_ROTATIONS; ) {
    const previous = await store.getDevice(k.rotatedFrom);
    if (!previous) break;
    keys.unshift(previous);
    k = previous;
  }
  return keys.map((device, i) => ({
    device,
    from: i === 0 ? Number.NEGATIVE_INFINITY : device.registeredAt,
    to: i === keys.length - 1 ? Number.POSITIVE_INFINITY : (device.revokedAt ?? Number.POSITIVE_INFINITY),
  }));
}

/**
 * The readings of each sensor watching the item, over the stretch it watched (an open stretch ends `now`),
 * with the completeness check over them plus the reading before and the one after (checkReadingChain). The
 * sensor is named by its GIAI in the AssociationEvent; the device registered with that GIAI is the one
 * whose signed readings count — with its earlier keys when it was rotated: each key's readings over the
 * part of the stretch it held, each part checked on its own (a new key starts its own seq and hash chain
 * at 1), the parts' readings and gaps joined. An unregistered GIAI leaves the whole stretch a gap.
 * @example const watched = await watchReadings(store, sensorsWatching(item, holdings), { now, maxSilenceMs })
 */
export async function watchReadings(
  store: Pick<Store, "findDeviceByGiai" | "getDevice"> & Pick<EventStore, "readingColumnsAround">,
  watches: readonly SensorWatch[],
  options: { now: number; maxSilenceMs: number },
): Promise<WatchedReadings[]> {
  const result: WatchedReadings[] = [];
  for (const watch of watches) {
    const from = watch.from;
    const to = watch.to ?? Math.max(options.now, from);
    const giai = giaiOf(watch.device);
    const device = giai === null ? undefined : await store.findDeviceByGiai(giai);
    if (!device) {
      result.push({
        watch,
        giai,
        device,
        keys: [],
        from,
        to,
        readings: noReadings(),
        before: noReadings(),
        after: noReadings(),
        truncated: false,
        ...checkReadingChain([], { from, to, maxSilenceMs: options.maxSilenceMs }),
      });
      continue;
    }
    const parts = (await keyHistory(store, device))
      .map((k) => ({ device: k.device, from: Math.max(from, k.from), to: Math.min(to, k.to) }))
      .filter((k) => k.from <= k.to);
    const joined: Omit<WatchedReadings, "watch" | "giai" | "device" | "from" | "to" | "readings"> = {
      keys: [],
      before: noReadings(),
      after: noReadings(),
      truncated: false,
      complete: true,
      gaps: [],
    };
    const readings: ReadingColumns[] = [];
    for (const [i, part] of parts.entries()) {
      const window = await store.readingColumnsAround(part.device.address, part.from, part.to);
      const links = chainLinksOf(joinReadingColumns([window.before, window.within, window.after]));
      const chain = checkReadingChain(links, {
        from: part.from,
        to: part.to,
        maxSilenceMs: options.maxSilenceMs,
      });
      joined.keys.push({ address: part.device.address, from: part.from, to: part.to });
      readings.push(window.within);
      if (i === 0) joined.before = window.before;
      if (i === parts.length - 1) joined.after = window.after;
      joined.truncated ||= window.truncated;
      joined.complete &&= chain.complete;
      joined.gaps.push(...chain.gaps);
    }
    result.push({ watch, giai, device, from, to, readings: joinReadingColumns(readings), ...joined });
  }
  return result;
}
