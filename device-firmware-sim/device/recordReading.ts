import { type DeviceIdentity, hexToBytes, signReading } from "#protocol";
import { type DeviceState, saveDeviceState } from "./deviceState.ts";
import type { Outbox, OutboxEntry } from "./Outbox.ts";

export type RecordReadingArgs = {
  identity: DeviceIdentity;
  /** The device directory (state file). */
  dir: string;
  outbox: Outbox;
  state: DeviceState;
  /** Device clock, ms. */
  ts: number;
  m: Record<string, number>;
};

/**
 * Signs the next reading of the chain and makes it durable — outbox entry first, then the state file,
 * each fsynced — before anyone may publish it. Returns the new state and the entry to send.
 * @example ({ state } = await recordReading({ identity, dir, outbox, state, ts: Date.now(), m: { temp_c: 4.1 } }))
 */
export async function recordReading(
  args: RecordReadingArgs,
): Promise<{ state: DeviceState; entry: OutboxEntry }> {
  const seq = args.state.seq + 1;
  const signed = signReading(args.identity, {
    v: 1,
    seq,
    ts: Math.max(0, Math.round(args.ts)),
    prev: hexToBytes(args.state.prev, 32),
    m: args.m,
  });
  const entry = await args.outbox.add(seq, signed.message);
  const state = { ...args.state, seq, prev: signed.messageId };
  await saveDeviceState(args.dir, state);
  return { state, entry };
}
