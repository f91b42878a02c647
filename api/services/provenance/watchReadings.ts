import type { DeviceRecord, EventStore, Store, WindowReading } from "#gateway";
import { isGs1Error, parseDigitalLink } from "#gs1";
import { type ChainGap, checkReadingChain, type SensorWatch } from "#provenance";

/** One sensor over one stretch of the journey, with its readings and whether they are complete. */
export type WatchedReadings = {
  watch: SensorWatch;
  /** The GIAI the AssociationEvent named (bare key), or null when it named no GIAI. */
  giai: string | null;
  /** The registered device with that GIAI, or undefined when none is registered (its readings unknown). */
  device: DeviceRecord | undefined;
  from: number;
  to: number;
  /** Readings with from <= ts <= to (only stored, so verified, ones), by time. */
  readings: WindowReading[];
  before: WindowReading | null;
  after: WindowReading | null;
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

/**
 * The readings of each sensor watching the item, over the stretch it watched (an open stretch ends `now`),
 * with the completeness check over them plus the reading before and the one after (checkReadingChain). The
 * sensor is named by its GIAI in the AssociationEvent; the device registered with that GIAI is the one
 * whose signed readings count. An unregistered GIAI leaves the whole stretch a gap.
 * @example const watched = await watchReadings(store, sensorsWatching(item, holdings), { now, maxSilenceMs })
 */
export async function watchReadings(
  store: Pick<Store, "findDeviceByGiai"> & Pick<EventStore, "readingsAround">,
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
        from,
        to,
        readings: [],
        before: null,
        after: null,
        truncated: false,
        ...checkReadingChain([], { from, to, maxSilenceMs: options.maxSilenceMs }),
      });
      continue;
    }
    const window = await store.readingsAround(device.address, from, to);
    const links = [
      ...(window.before ? [window.before] : []),
      ...window.within,
      ...(window.after ? [window.after] : []),
    ];
    const chain = checkReadingChain(links, { from, to, maxSilenceMs: options.maxSilenceMs });
    result.push({
      watch,
      giai,
      device,
      from,
      to,
      readings: window.within,
      before: window.before,
      after: window.after,
      truncated: window.truncated,
      ...chain,
    });
  }
  return result;
}
