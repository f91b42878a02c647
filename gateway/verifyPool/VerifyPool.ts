import { EventEmitter } from "node:events";
import { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import {
  type Address,
  deviceIdentityFromPrivateKey,
  GENESIS_PREV,
  keccak256,
  SealtrailError,
  signReading,
} from "#protocol";
import type { NativeBackendChoice } from "#protocol/native";
import { Refusal } from "../errors.ts";
import type { VerifiedReading } from "../ingest/checkReading.ts";
import type { ReadingVerifier } from "../ingest/verifier.ts";
import type { VerifyPoolStats } from "../metrics.ts";
import type { VerifyReply, VerifyRequest, VerifyWorkerData } from "./wire.ts";

export type VerifyPoolOptions = {
  /** Worker threads, at least 1. */
  size: number;
  /** Which protocol signature verifier the workers run. */
  verifier: "native" | "noble";
  /** Which libsecp256k1 the native verifier uses (default "auto": the system's when its addon is built). */
  secp256k1?: NativeBackendChoice;
  /** Largest reading, bytes (the workers decode with the matching CBOR limits). */
  maxMessageBytes: number;
  /** Most readings per message to a worker. */
  batchMax?: number;
  /**
   * How long readings gather before they go to an idle worker, ms (default 2; 0: at the next turn of the
   * event loop). Waking a sleeping thread is the dear part of a message (~40 µs here, and on 2 cores the
   * woken thread preempts the sender): a window of 2 ms at 6,000 readings/s sends ~12 per message.
   */
  gatherMs?: number;
  /**
   * Fewest readings worth waking another idle worker for (default 16): below it, one worker takes the
   * whole queue, so light load wakes one thread, not every idle one.
   */
  minPerWorker?: number;
  logger?: Logger;
};

type Job = {
  raw: Uint8Array;
  device: Address;
  publicKey: Uint8Array;
  resolve: (reading: VerifiedReading) => void;
  reject: (error: unknown) => void;
};

type Slot = { worker: Worker; outstanding: number; batches: Map<number, Job[]>; dead: boolean };

const isIdle = (slot: Slot) => slot.batches.size === 0 && !slot.dead;

const KEY_BYTES = 33;

/**
 * Checks readings (bounded decoding, kid, signature: {@link checkReading}) on worker threads, so that the
 * main thread only routes, stores and acknowledges. Like a group commit, each worker has at most one batch
 * at a time: readings queue while it works and go together when it answers (the raw bytes packed into one
 * transferred buffer), so batches grow with the load. A message to a worker and back costs about as much
 * as a native verify: one reading per message would double the CPU per reading; 8 per message add ~15 %,
 * 64 next to nothing. An idle worker gets a reading at once, so light load keeps low latency.
 *
 * Each worker proves at start that it accepts a good reading and refuses a forged one, so a missing
 * native addon fails the start instead of refusing every reading as BAD_SIGNATURE. A worker that dies is
 * replaced; its readings reject (not acknowledged: the device resends). The pool emits
 * `"workerReplaced"` once a replacement has passed its self-test (and `"workerReplaceFailed"` with the
 * error when it has not), so operators' tooling and tests can wait for the event instead of a guess.
 */
export class VerifyPool extends EventEmitter implements ReadingVerifier {
  private readonly options: VerifyPoolOptions & { batchMax: number; gatherMs: number; minPerWorker: number };
  private readonly slots: Slot[] = [];
  private queue: Job[] = [];
  private scheduled = false;
  private nextId = 1;
  private busyNs = 0;
  private readings = 0;
  private batches = 0;
  private closing = false;

  constructor(options: VerifyPoolOptions) {
    super();
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new SealtrailError("VERIFY_POOL_SIZE", "a verify pool needs at least one worker", {
        details: { size: options.size },
      });
    }
    this.options = { batchMax: 64, gatherMs: 2, minPerWorker: 16, ...options };
  }

  /** Spawns the workers and waits for each to pass its self-test. */
  async start(): Promise<void> {
    for (let i = 0; i < this.options.size; i++) this.slots.push(this.spawn());
    try {
      await Promise.all(this.slots.map((slot) => this.selfTest(slot)));
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  verify(raw: Uint8Array, device: Address, publicKey: Uint8Array): Promise<VerifiedReading> {
    if (this.closing)
      return Promise.reject(new SealtrailError("VERIFY_POOL_CLOSED", "verify pool is closed"));
    if (this.slots.length > 0 && this.slots.every((s) => s.dead)) {
      return Promise.reject(new SealtrailError("VERIFY_POOL_DOWN", "no verify worker is available"));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ raw, device, publicKey, resolve, reject });
      // What arrives within the gathering window goes together to the idle workers; a queue that fills
      // every idle worker's batch goes at once.
      if (this.queue.length >= this.options.batchMax * this.slots.length) {
        this.flush();
        return;
      }
      if (!this.scheduled) {
        this.scheduled = true;
        if (this.options.gatherMs > 0) setTimeout(this.flushScheduled, this.options.gatherMs);
        else setImmediate(this.flushScheduled);
      }
    });
  }

  stats(): VerifyPoolStats {
    let pending = this.queue.length;
    for (const slot of this.slots) pending += slot.outstanding;
    return {
      size: this.slots.length,
      pending,
      busySeconds: this.busyNs / 1e9,
      readings: this.readings,
      batches: this.batches,
    };
  }

  /** Terminates the workers; pending readings reject. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const error = new SealtrailError("VERIFY_POOL_CLOSED", "verify pool closed");
    for (const job of this.queue) job.reject(error);
    this.queue = [];
    await Promise.all(
      this.slots.map(async (slot) => {
        slot.dead = true;
        this.failSlot(slot, error);
        await slot.worker.terminate();
      }),
    );
    this.slots.length = 0;
  }

  private readonly flushScheduled = (): void => {
    this.scheduled = false;
    this.flush();
  };

  /**
   * Sends the queue to idle workers, split evenly over as few as take it with at least `minPerWorker`
   * each, at most `batchMax` each; the rest waits for a worker to answer.
   */
  private flush(): void {
    if (this.queue.length === 0) return;
    if (this.options.verifier === "noble") {
      this.flushByDevice();
      return;
    }
    const idle = this.slots.filter(isIdle);
    if (idle.length === 0) return;
    const wake = Math.max(
      1,
      Math.min(idle.length, Math.floor(this.queue.length / this.options.minPerWorker)),
    );
    const per = Math.min(this.options.batchMax, Math.ceil(this.queue.length / wake));
    for (const slot of idle.slice(0, wake)) {
      if (this.queue.length === 0) break;
      let jobs: Job[];
      if (this.queue.length <= per) {
        jobs = this.queue;
        this.queue = [];
      } else jobs = this.queue.splice(0, per);
      this.send(slot, jobs);
    }
  }

  /**
   * The noble workers keep a precomputed table per device key (~14 ms to build, ~0.1 MiB): each device
   * goes to one worker (by its address; the next live one if that worker is down), so a key's table is
   * built and held once, not once per worker. Jobs for a busy worker wait for it, in arrival order.
   */
  private flushByDevice(): void {
    const n = this.slots.length;
    const live = this.slots.filter((slot) => !slot.dead).length;
    if (live === 0) return;
    const bySlot: Job[][] = this.slots.map(() => []);
    const rest: Job[] = [];
    for (const job of this.queue) {
      let index = (Number.parseInt(job.device.slice(-8), 16) || 0) % n;
      while (this.slots[index]!.dead) index = (index + 1) % n;
      const slot = this.slots[index]!;
      const batch = bySlot[index]!;
      if (isIdle(slot) && batch.length < this.options.batchMax) batch.push(job);
      else rest.push(job);
    }
    this.queue = rest;
    for (let i = 0; i < n; i++) if (bySlot[i]!.length > 0) this.send(this.slots[i]!, bySlot[i]!);
  }

  private send(slot: Slot, jobs: Job[]): void {
    const count = jobs.length;
    const offsets = new Uint32Array(count + 1);
    let bytes = 0;
    for (let i = 0; i < count; i++) {
      offsets[i] = bytes;
      bytes += jobs[i]!.raw.length;
    }
    offsets[count] = bytes;
    const raws = new Uint8Array(bytes);
    const keys = new Uint8Array(count * KEY_BYTES);
    const devices = new Array<string>(count);
    for (let i = 0; i < count; i++) {
      const job = jobs[i]!;
      raws.set(job.raw, offsets[i]!);
      // Registry keys are compressed (33 bytes); anything else cannot verify and is refused as such.
      if (job.publicKey.length === KEY_BYTES) keys.set(job.publicKey, i * KEY_BYTES);
      devices[i] = job.device;
    }
    const id = this.nextId++;
    slot.batches.set(id, jobs);
    slot.outstanding += count;
    this.readings += count;
    this.batches++;
    const request: VerifyRequest = { id, count, raws: raws.buffer, offsets, keys: keys.buffer, devices };
    slot.worker.postMessage(request, [raws.buffer, keys.buffer, offsets.buffer]);
  }

  private spawn(): Slot {
    const workerData: VerifyWorkerData = {
      verifier: this.options.verifier,
      secp256k1: this.options.secp256k1 ?? "auto",
      maxMessageBytes: this.options.maxMessageBytes,
    };
    const worker = new Worker(new URL("./verifyWorker.ts", import.meta.url), {
      workerData,
      name: `sealtrail-verify-${this.options.verifier}`,
    });
    const slot: Slot = { worker, outstanding: 0, batches: new Map(), dead: false };
    worker.on("message", (reply: VerifyReply) => {
      const jobs = slot.batches.get(reply.id);
      if (!jobs) return;
      slot.batches.delete(reply.id);
      slot.outstanding -= jobs.length;
      this.busyNs += reply.busyNs;
      // The worker is free again: give it what queued meanwhile before anything else runs.
      this.flush();
      for (let i = 0; i < jobs.length; i++) {
        const result = reply.results[i]!;
        const job = jobs[i]!;
        if ("messageId" in result) job.resolve(result);
        else if ("code" in result) job.reject(new Refusal(result.code, result.detail));
        else job.reject(new SealtrailError("VERIFY_WORKER_FAILED", result.failure));
      }
    });
    const replace = (error: Error) => {
      if (slot.dead) return;
      slot.dead = true;
      this.failSlot(slot, error);
      if (this.closing) return;
      this.options.logger?.error({ err: error }, "verify worker failed; replacing it");
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      const fresh = this.spawn();
      this.slots[index] = fresh;
      this.selfTest(fresh).then(
        () => this.emit("workerReplaced", index),
        (err: unknown) => {
          // Never let a worker that fails its self-test verify readings.
          this.options.logger?.error({ err }, "replacement verify worker failed its self-test");
          fresh.dead = true;
          void fresh.worker.terminate();
          if (this.slots.every((s) => s.dead)) this.failQueue(err);
          this.emit("workerReplaceFailed", err);
        },
      );
    };
    worker.on("error", replace);
    worker.on("exit", (code) => replace(new Error(`verify worker exited with code ${code}`)));
    return slot;
  }

  private failQueue(error: unknown): void {
    const queue = this.queue;
    this.queue = [];
    for (const job of queue) job.reject(error);
  }

  private failSlot(slot: Slot, error: Error): void {
    for (const jobs of slot.batches.values()) for (const job of jobs) job.reject(error);
    slot.batches.clear();
    slot.outstanding = 0;
  }

  private async selfTest(slot: Slot): Promise<void> {
    const identity = deviceIdentityFromPrivateKey(
      keccak256(new TextEncoder().encode("verify pool self-test")),
    );
    const good = signReading(identity, { v: 1, seq: 1, ts: 0, prev: GENESIS_PREV, m: { temp_c: 1 } }).message;
    const forged = good.slice();
    forged[forged.length - 50]! ^= 1; // inside r: still well-formed, no longer valid
    const outcome = (raw: Uint8Array) =>
      new Promise<string>((resolve) => {
        const done = (r: unknown) =>
          resolve(r instanceof Refusal ? r.code : r instanceof Error ? r.message : "ok");
        this.send(slot, [
          { raw, device: identity.address, publicKey: identity.publicKey, resolve: done, reject: done },
        ]);
      });
    const [accepted, refused] = await Promise.all([outcome(good), outcome(forged)]);
    if (accepted !== "ok" || refused !== "BAD_SIGNATURE") {
      throw new SealtrailError(
        "VERIFY_POOL_SELF_TEST",
        `the ${this.options.verifier} verifier failed its self-test in a worker (good: ${accepted}, forged: ${refused}); is the secp256k1 native addon built? SEALTRAIL_VERIFIER=noble avoids it`,
      );
    }
  }
}
