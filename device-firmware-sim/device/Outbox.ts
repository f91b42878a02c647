import { mkdir, readdir, readFile, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { type Hex, invariant, messageIdOf } from "#protocol";
import { atomicWriteFile, fsyncDirectory, isAtomicWriteLeftover } from "./atomicWriteFile.ts";

/** One signed reading waiting for its PUBACK. */
export type OutboxEntry = {
  seq: number;
  /** The COSE_Sign1 bytes exactly as signed: resends must be byte-identical. */
  raw: Uint8Array;
  messageId: Hex;
  /** Transmitted before (in this run or, for entries found at start, possibly before a reboot). */
  transmitted: boolean;
};

const ENTRY_RE = /^(\d{12})\.cose$/;
const fileName = (seq: number) => `${String(seq).padStart(12, "0")}.cose`;

/**
 * The device's bounded store-and-forward buffer: one file per unacknowledged reading, named by seq, so
 * that everything signed survives a broker outage or a reboot and is resent oldest first. An entry is
 * written (fsynced) before it is first published and deleted only after its PUBACK. A refused entry is
 * moved to the outbox's `refused/`
 * subfolder (kept for the operator, never resent).
 */
export class Outbox {
  readonly dir: string;
  readonly capacity: number;
  private readonly entries: OutboxEntry[];

  private constructor(dir: string, capacity: number, entries: OutboxEntry[]) {
    this.dir = dir;
    this.capacity = capacity;
    this.entries = entries;
  }

  /**
   * Opens (creating if needed) the outbox in `dir`, loading what a previous run left unacknowledged.
   * @example const outbox = await Outbox.open(join(deviceDir, "outbox"), 10_000)
   */
  static async open(dir: string, capacity: number): Promise<Outbox> {
    invariant(Number.isInteger(capacity) && capacity > 0, "outbox capacity must be a positive integer");
    await mkdir(dir, { recursive: true });
    const entries: OutboxEntry[] = [];
    for (const name of await readdir(dir)) {
      if (isAtomicWriteLeftover(name)) {
        await unlink(join(dir, name));
        continue;
      }
      const match = ENTRY_RE.exec(name);
      if (!match) continue;
      const raw = new Uint8Array(await readFile(join(dir, name)));
      entries.push({ seq: Number(match[1]), raw, messageId: messageIdOf(raw), transmitted: true });
    }
    entries.sort((a, b) => a.seq - b.seq);
    return new Outbox(dir, capacity, entries);
  }

  get size(): number {
    return this.entries.length;
  }

  get full(): boolean {
    return this.entries.length >= this.capacity;
  }

  /** The entry with the highest seq, if any (used to recover a state file that lags behind). */
  newest(): OutboxEntry | undefined {
    return this.entries[this.entries.length - 1];
  }

  /** The oldest entry with seq greater than `afterSeq` (the next one to send). */
  nextAfter(afterSeq: number): OutboxEntry | undefined {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid]!.seq <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    return this.entries[lo];
  }

  /** Finds a waiting entry by message id. */
  findById(messageId: string): OutboxEntry | undefined {
    return this.entries.find((e) => e.messageId === messageId);
  }

  /** Durably adds a freshly signed reading; seqs must increase. */
  async add(seq: number, raw: Uint8Array): Promise<OutboxEntry> {
    invariant(!this.full, "outbox is full: the caller must check before signing");
    invariant(seq > (this.newest()?.seq ?? 0), "outbox seqs must increase");
    await atomicWriteFile(join(this.dir, fileName(seq)), raw);
    const entry: OutboxEntry = { seq, raw, messageId: messageIdOf(raw), transmitted: false };
    this.entries.push(entry);
    return entry;
  }

  /** True while the entry with this seq is waiting. */
  has(seq: number): boolean {
    const entry = this.nextAfter(seq - 1);
    return entry !== undefined && entry.seq === seq;
  }

  /**
   * Drops an acknowledged entry: gone from the queue at once, its file deleted in the background of the
   * returned promise. Not fsynced: if the unlink is lost in a crash, the reading is resent and acked again.
   */
  remove(seq: number): Promise<boolean> {
    if (!this.take(seq)) return Promise.resolve(false);
    return unlink(join(this.dir, fileName(seq))).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
        return true;
      },
    );
  }

  /** Moves a refused entry out of the queue (at once) into `refused/`, so it is kept but never resent. */
  async quarantine(seq: number): Promise<boolean> {
    if (!this.take(seq)) return false;
    const refusedDir = join(this.dir, "refused");
    await mkdir(refusedDir, { recursive: true });
    await rename(join(this.dir, fileName(seq)), join(refusedDir, fileName(seq)));
    await fsyncDirectory(this.dir);
    return true;
  }

  private take(seq: number): boolean {
    const index = this.entries.findIndex((e) => e.seq === seq);
    if (index < 0) return false;
    this.entries.splice(index, 1);
    return true;
  }
}
