import { join } from "node:path";
import { type DeviceState, loadDeviceState, saveDeviceState } from "./deviceState.ts";
import { Outbox } from "./Outbox.ts";

/**
 * Opens what a device keeps on disk — its state file and its outbox — and reconciles them: a crash
 * between writing an outbox entry and the state file leaves the state one reading behind, and the
 * outbox is the later truth (reusing its seq would be equivocation).
 * @example const { state, outbox } = await openDeviceStorage("data/sim/reefer-1", 10_000)
 */
export async function openDeviceStorage(
  dir: string,
  maxBuffered: number,
): Promise<{ state: DeviceState; outbox: Outbox }> {
  let state = await loadDeviceState(dir);
  const outbox = await Outbox.open(join(dir, "outbox"), maxBuffered);
  const newest = outbox.newest();
  if (newest && newest.seq > state.seq) {
    state = { ...state, seq: newest.seq, prev: newest.messageId };
    await saveDeviceState(dir, state);
  }
  return { state, outbox };
}
