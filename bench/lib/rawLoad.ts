import { connect, type Socket } from "node:net";
import mqttPacket from "mqtt-packet";

/** One device of a load run: its CONNECT credentials and its pre-signed messages, in seq order. */
export type LoadDevice = { address: string; password: Uint8Array; messages: readonly Uint8Array[] };

export type LoadOptions = {
  host?: string;
  port: number;
  devices: readonly LoadDevice[];
  /** Total PUBLISHes per second (open loop). Undefined: closed loop, every device as fast as its window allows. */
  ratePerSecond?: number;
  /** Most PUBLISHes awaiting PUBACK per device. */
  window: number;
  warmupMs: number;
  measureMs: number;
  /** After sending stops, how long to wait for the last PUBACKs. */
  drainMs?: number;
  connectConcurrency?: number;
  /** Called between connecting and publishing (e.g. to reset the gateway's CPU counters). */
  beforePublishing?: () => Promise<void>;
  /**
   * Start again from each device's first message when it runs out (only for a broker that does not
   * care, like a bare aedes: the gateway would answer duplicates, a different and cheaper path).
   */
  cycle?: boolean;
  /** Every PUBACK, with its PUBLISH's send time and its own arrival (performance.now()), to split a run by phase. */
  onAck?: (sentAt: number, ackedAt: number) => void;
};

export type Percentiles = { p50: number; p90: number; p99: number; p999: number; max: number; mean: number };

export type LoadResult = {
  mode: "open-loop" | "closed-loop";
  devices: number;
  window: number;
  offeredPerSecond: number | null;
  /** PUBLISHes sent during the measurement window, per second. */
  sentPerSecond: number;
  /** PUBACKs received during the measurement window, per second. */
  ackedPerSecond: number;
  /** PUBACK latency of the messages sent during the window, ms. */
  latencyMs: Percentiles;
  connectMs: number;
  /** Times an open-loop tick found every device at its window (the gateway could not keep up). */
  windowStalls: number;
  /** Messages sent in the window that had no PUBACK by the end of the drain. */
  unacknowledged: number;
  /** Connections the gateway closed (refusals). */
  closedByGateway: number;
  generatorCpuMs: number;
};

const PUBACK = 0x40;
const CONNACK = 0x20;

function varint(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

/** A PUBLISH QoS 1 packet with the given packet id. */
function publishPacket(topic: Buffer, id: number, payload: Uint8Array): Buffer {
  const remaining = 2 + topic.length + 2 + payload.length;
  const header = varint(remaining);
  const buf = Buffer.allocUnsafe(1 + header.length + remaining);
  let at = 0;
  buf[at++] = 0x32;
  for (const b of header) buf[at++] = b;
  buf.writeUInt16BE(topic.length, at);
  at += 2;
  topic.copy(buf, at);
  at += topic.length;
  buf.writeUInt16BE(id, at);
  at += 2;
  buf.set(payload, at);
  return buf;
}

export function percentiles(values: Float64Array | number[]): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  const at = (q: number) => sorted[Math.min(n - 1, Math.floor(q * n))]!;
  let sum = 0;
  for (const v of sorted) sum += v;
  const r = (v: number) => Math.round(v * 100) / 100;
  return {
    p50: r(at(0.5)),
    p90: r(at(0.9)),
    p99: r(at(0.99)),
    p999: r(at(0.999)),
    max: r(sorted[n - 1]!),
    mean: r(sum / n),
  };
}

class RawDevice {
  socket!: Socket;
  /** PUBLISHes sent so far (message `next % messages.length` goes next). */
  next = 0;
  inflight = 0;
  closed = false;
  /** Send time of each in-flight PUBLISH, by send count (acknowledgements may come out of order). */
  readonly sentAt = new Map<number, number>();
  private leftover: Buffer | undefined;
  readonly topic: Buffer;

  readonly device: LoadDevice;
  readonly cycle: boolean;
  readonly onAck: (d: RawDevice, sentAt: number) => void;

  constructor(device: LoadDevice, cycle: boolean, onAck: (d: RawDevice, sentAt: number) => void) {
    this.device = device;
    this.cycle = cycle;
    this.onAck = onAck;
    this.topic = Buffer.from(`devices/${device.address}/readings`);
  }

  connect(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, noDelay: true });
      this.socket = socket;
      let connected = false;
      socket.once("connect", () => {
        socket.write(
          mqttPacket.generate({
            cmd: "connect",
            protocolId: "MQTT",
            protocolVersion: 4,
            clean: true,
            clientId: this.device.address,
            username: this.device.address,
            password: Buffer.from(this.device.password),
            keepalive: 0,
          }),
        );
      });
      socket.on("data", (chunk: Buffer) => {
        if (!connected) {
          if (chunk[0] !== CONNACK || chunk[3] !== 0) {
            reject(new Error(`CONNACK refused (${chunk[3]}) for ${this.device.address}`));
            socket.destroy();
            return;
          }
          connected = true;
          resolve();
          chunk = chunk.subarray(4);
        }
        this.onData(chunk);
      });
      socket.on("error", (error) => {
        if (!connected) reject(error);
      });
      socket.on("close", () => {
        this.closed = true;
        if (!connected) reject(new Error("closed before CONNACK"));
      });
    });
  }

  get remaining(): number {
    return this.cycle ? Number.POSITIVE_INFINITY : this.device.messages.length - this.next;
  }

  send(now: number): void {
    const index = this.next++;
    this.inflight++;
    this.sentAt.set(index, now);
    const messages = this.device.messages;
    this.socket.write(publishPacket(this.topic, (index % 65535) + 1, messages[index % messages.length]!));
  }

  private onData(chunk: Buffer): void {
    let buf = this.leftover ? Buffer.concat([this.leftover, chunk]) : chunk;
    this.leftover = undefined;
    let at = 0;
    while (buf.length - at >= 2) {
      const type = buf[at]! & 0xf0;
      let len = 0;
      let mul = 1;
      let i = at + 1;
      let complete = false;
      while (i < buf.length) {
        const b = buf[i++]!;
        len += (b & 0x7f) * mul;
        mul *= 128;
        if (!(b & 0x80)) {
          complete = true;
          break;
        }
      }
      if (!complete || buf.length - i < len) break;
      if (type === PUBACK) {
        const id = buf.readUInt16BE(i);
        // The in-flight message with this packet id: ids are (index % 65535) + 1 and the window is small.
        const newest = this.next - 1;
        const index = newest - ((((newest - (id - 1)) % 65535) + 65535) % 65535);
        const sentAt = this.sentAt.get(index);
        if (sentAt === undefined) {
          at = i + len;
          continue; // not ours (a PUBACK we already counted): ignore
        }
        this.sentAt.delete(index);
        this.inflight--;
        this.onAck(this, sentAt);
      }
      at = i + len;
    }
    if (at < buf.length) {
      buf = buf.subarray(at);
      this.leftover = Buffer.from(buf);
    }
  }
}

/**
 * Drives the MQTT listener at `port` with pre-signed readings over raw sockets (no client library: the
 * generator shares the machine with the gateway, so it must cost little), and measures PUBACK latency.
 * Open loop (`ratePerSecond` set): PUBLISHes leave at the given total rate, round-robin over the devices,
 * whatever the acknowledgements do — latency then includes any queueing in the gateway. Closed loop:
 * each device keeps `window` PUBLISHes in flight; this finds the ceiling, with latency = queue / rate.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const host = options.host ?? "127.0.0.1";
  let phase: "connecting" | "running" | "draining" = "connecting";
  let closedLoop = options.ratePerSecond === undefined;
  let measureFrom = Number.POSITIVE_INFINITY;
  let measureTo = Number.POSITIVE_INFINITY;
  let sentInWindow = 0;
  let ackedInWindow = 0;
  let ackedOfWindow = 0;
  const latencies: number[] = [];
  const onAck = (d: RawDevice, sentAt: number) => {
    const now = performance.now();
    options.onAck?.(sentAt, now);
    if (now >= measureFrom && now < measureTo) ackedInWindow++;
    if (sentAt >= measureFrom && sentAt < measureTo) {
      ackedOfWindow++;
      latencies.push(now - sentAt);
    }
    if (closedLoop && phase === "running" && d.remaining > 0 && d.inflight < options.window) send(d);
  };
  const send = (d: RawDevice) => {
    const now = performance.now();
    if (now >= measureFrom && now < measureTo) sentInWindow++;
    d.send(now);
  };
  const devices = options.devices.map((device) => new RawDevice(device, options.cycle ?? false, onAck));
  const connectStart = performance.now();
  const concurrency = options.connectConcurrency ?? 50;
  for (let i = 0; i < devices.length; i += concurrency) {
    await Promise.all(devices.slice(i, i + concurrency).map((d) => d.connect(host, options.port)));
  }
  const connectMs = performance.now() - connectStart;
  await options.beforePublishing?.();

  const cpuStart = process.cpuUsage();
  const t0 = performance.now();
  measureFrom = t0 + options.warmupMs;
  measureTo = measureFrom + options.measureMs;
  phase = "running";
  let windowStalls = 0;
  if (closedLoop) {
    for (const d of devices) while (d.inflight < options.window && d.remaining > 0) send(d);
    await new Promise((r) => setTimeout(r, options.warmupMs + options.measureMs));
  } else {
    const rate = options.ratePerSecond!;
    let sent = 0;
    let cursor = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        if (now >= measureTo) {
          resolve();
          return;
        }
        const due = Math.floor(((now - t0) * rate) / 1000);
        let misses = 0;
        while (sent < due && misses < devices.length) {
          const d = devices[cursor]!;
          cursor = (cursor + 1) % devices.length;
          if (d.closed || d.remaining === 0 || d.inflight >= options.window) {
            misses++;
            continue;
          }
          misses = 0;
          send(d);
          sent++;
        }
        if (misses >= devices.length) {
          windowStalls++;
          sent = due; // do not build up a burst behind a stall
        }
        setTimeout(tick, 1);
      };
      tick();
    });
  }
  closedLoop = false;
  phase = "draining";
  const drainUntil = performance.now() + (options.drainMs ?? 10_000);
  while (performance.now() < drainUntil && devices.some((d) => d.inflight > 0 && !d.closed)) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const cpu = process.cpuUsage(cpuStart);
  const closedByGateway = devices.filter((d) => d.closed).length;
  for (const d of devices) d.socket.destroy();
  const seconds = options.measureMs / 1000;
  return {
    mode: options.ratePerSecond === undefined ? "closed-loop" : "open-loop",
    devices: devices.length,
    window: options.window,
    offeredPerSecond: options.ratePerSecond ?? null,
    sentPerSecond: Math.round(sentInWindow / seconds),
    ackedPerSecond: Math.round(ackedInWindow / seconds),
    latencyMs: percentiles(latencies),
    connectMs: Math.round(connectMs),
    windowStalls,
    unacknowledged: sentInWindow - ackedOfWindow,
    closedByGateway,
    generatorCpuMs: Math.round((cpu.user + cpu.system) / 1000),
  };
}
