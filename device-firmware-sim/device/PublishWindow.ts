import type { DeviceClient } from "../clients/deviceClient.ts";
import type { Outbox, OutboxEntry } from "./Outbox.ts";

export type PublishWindowOptions = {
  client: DeviceClient;
  outbox: Outbox;
  topic: string;
  /** Most PUBLISHes awaiting their PUBACK at once. */
  maxInflight: number;
  /** A PUBACK arrived for an entry still in the outbox (it has been removed from it). */
  onAcknowledged: (entry: OutboxEntry) => void;
};

/**
 * Feeds the outbox to the broker over one connection at a time: oldest first, at most `maxInflight`
 * unacknowledged, each entry removed from the outbox on its PUBACK. When a connection ends the window
 * forgets what was in flight; on the next one it starts again from the oldest entry, so everything
 * unacknowledged is resent in order — with DUP set, because it may have been received before.
 */
export class PublishWindow {
  /** Distinct entries transmitted, and retransmissions. */
  sent = 0;
  resent = 0;
  acknowledged = 0;
  private readonly options: PublishWindowOptions;
  private open = false;
  /** Highest seq transmitted on the current connection; the next one to send comes after it. */
  private cursor = 0;
  private readonly inflight = new Set<number>();
  /** Connection generation, so a late settlement from an old connection cannot touch the new one. */
  private generation = 0;

  constructor(options: PublishWindowOptions) {
    this.options = options;
  }

  /** A connection is up (and subscribed): start from the oldest unacknowledged entry. */
  connected(): void {
    this.generation++;
    this.open = true;
    this.cursor = 0;
    this.inflight.clear();
    this.pump();
  }

  /** The connection is gone: whatever was in flight will be resent on the next one. */
  disconnected(): void {
    this.generation++;
    this.open = false;
    this.inflight.clear();
  }

  /** Fills the window from the outbox; call it when an entry was added. */
  pump(): void {
    const { outbox, maxInflight } = this.options;
    while (this.open && this.inflight.size < maxInflight) {
      const entry = outbox.nextAfter(this.cursor);
      if (!entry) return;
      this.cursor = entry.seq;
      this.transmit(entry);
    }
  }

  private transmit(entry: OutboxEntry): void {
    // [MQTT-3.3.1-1] DUP marks a PUBLISH that may have been sent before; the bytes are identical, so the
    // gateway acknowledges it again and stores it once.
    const dup = entry.transmitted;
    entry.transmitted = true;
    if (dup) this.resent++;
    else this.sent++;
    this.inflight.add(entry.seq);
    const generation = this.generation;
    this.options.client.publish(this.options.topic, entry.raw, { dup }).then(
      () => {
        if (generation !== this.generation) return;
        this.inflight.delete(entry.seq);
        const { outbox } = this.options;
        if (outbox.has(entry.seq)) {
          this.acknowledged++;
          void outbox.remove(entry.seq).catch(() => {}); // a lost unlink only means one more duplicate resend
          this.options.onAcknowledged(entry);
        }
        this.pump();
      },
      () => {
        // The connection ended before the PUBACK: the entry stays in the outbox for the next connection.
      },
    );
  }
}
