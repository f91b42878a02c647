import type { Address } from "#protocol";

/** Counters of one simulated device, as the fleet runner and the CLI report them. */
export type DeviceStats = {
  label: string;
  address: Address;
  /** `device`: well-behaved firmware; `compromised`: a registered device sending junk on purpose. */
  role: "device" | "compromised";
  /** Readings signed and put in the outbox. */
  produced: number;
  /** Distinct messages transmitted at least once. */
  sent: number;
  /** Retransmissions (DUP set) after a reconnect. */
  resent: number;
  /** PUBACKs received: readings the gateway holds durably. */
  acknowledged: number;
  /** Readings in the outbox awaiting their PUBACK. */
  buffered: number;
  /** Samples not signed because the outbox was full. */
  skipped: number;
  /** Refusals by reason code: from the errors topic, or `CONNECT_REFUSED_<returnCode>` for a refused CONNECT. */
  refused: Record<string, number>;
  /** Successful CONNECTs. */
  connects: number;
  /** Failed connection attempts (refused, unreachable, timed out). */
  connectFailures: number;
  online: boolean;
  /** Stopped publishing after a refusal honest firmware cannot recover from (EQUIVOCATION). */
  halted: boolean;
};

/** Counters of a fleet: every device and the totals. */
export type FleetStats = {
  devices: DeviceStats[];
  total: Omit<DeviceStats, "label" | "address" | "role" | "online" | "halted"> & {
    devices: number;
    online: number;
    halted: number;
  };
};

/**
 * Sums per-device counters into fleet totals.
 * @example summarizeStats(devices.map((d) => d.stats())).total.acknowledged
 */
export function summarizeStats(devices: DeviceStats[]): FleetStats {
  const total: FleetStats["total"] = {
    devices: devices.length,
    online: 0,
    halted: 0,
    produced: 0,
    sent: 0,
    resent: 0,
    acknowledged: 0,
    buffered: 0,
    skipped: 0,
    refused: {},
    connects: 0,
    connectFailures: 0,
  };
  for (const d of devices) {
    total.online += d.online ? 1 : 0;
    total.halted += d.halted ? 1 : 0;
    total.produced += d.produced;
    total.sent += d.sent;
    total.resent += d.resent;
    total.acknowledged += d.acknowledged;
    total.buffered += d.buffered;
    total.skipped += d.skipped;
    total.connects += d.connects;
    total.connectFailures += d.connectFailures;
    for (const [code, n] of Object.entries(d.refused)) total.refused[code] = (total.refused[code] ?? 0) + n;
  }
  return { devices, total };
}
