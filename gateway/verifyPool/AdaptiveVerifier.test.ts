import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { deviceIdentityFromPrivateKey, GENESIS_PREV, keccak256, messageIdOf, signReading } from "#protocol";
import { nativeVerifier } from "#protocol/native";
import { Refusal } from "../errors.ts";
import { readingLimits } from "../ingest/ingestReading.ts";
import { AdaptiveVerifier, type PoolVerifier } from "./AdaptiveVerifier.ts";
import { VerifyPool } from "./VerifyPool.ts";

const alice = deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode("EXAMPLE key adaptive alice")));

const reading = (seq: number) =>
  signReading(alice, {
    v: 1,
    seq,
    ts: 1_763_700_000_000 + seq,
    prev: seq === 1 ? GENESIS_PREV : new Uint8Array(32).fill(seq),
    m: { temp_c: seq / 10 },
  }).message;

/** Blocks the event loop for `ms`: what a busy MQTT side does to the adaptive verifier's budget. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {}
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("AdaptiveVerifier (native, in front of a real verify pool)", () => {
  const pool = new VerifyPool({ size: 1, verifier: "native", maxMessageBytes: 4096 });
  /** The real pool, counting what reaches it. */
  let pooled = 0;
  const counted: PoolVerifier = {
    verify: (raw, device, key) => {
      pooled++;
      return pool.verify(raw, device, key);
    },
    stats: () => pool.stats(),
  };
  const adaptive = (maxLoad: number, intervalMs = 20) =>
    new AdaptiveVerifier(counted, {
      verifier: nativeVerifier,
      limits: readingLimits(4096),
      maxLoad,
      intervalMs,
    });
  beforeAll(async () => {
    await pool.start();
    // The first check on this thread loads the hashes' WebAssembly and the addon (~30 ms): not what the
    // budgets below are about.
    await adaptive(1, 1000).verify(reading(1), alice.address, alice.publicKey);
  });
  afterAll(() => pool.close());

  it("checks readings on the main thread while its event loop is idle, with the same answers as the pool", async () => {
    // A long interval: the budget (0.6 s) is not spent by the first, cold check.
    const verifier = adaptive(0.6, 1000);
    pooled = 0;
    const raw = reading(1);
    const inline = await verifier.verify(raw, alice.address, alice.publicKey);
    expect(inline).toEqual(await pool.verify(raw, alice.address, alice.publicKey));
    expect(inline.messageId).toBe(messageIdOf(raw));
    const forged = raw.slice();
    forged[forged.length - 50]! ^= 1;
    await expect(verifier.verify(forged, alice.address, alice.publicKey)).rejects.toThrow(Refusal);
    await expect(verifier.verify(forged, alice.address, alice.publicKey)).rejects.toMatchObject({
      code: "BAD_SIGNATURE",
    });
    expect(pooled).toBe(0);
    expect(verifier.stats().inline).toBe(3);
  });

  it("sends readings to the pool once the event loop is busy beyond maxLoad, and takes them back when it calms", async () => {
    const verifier = adaptive(0.5);
    pooled = 0;
    await verifier.verify(reading(2), alice.address, alice.publicKey); // opens an interval
    busy(30); // the whole 20 ms interval and more busy: nothing left for inline checks
    await verifier.verify(reading(3), alice.address, alice.publicKey);
    await verifier.verify(reading(4), alice.address, alice.publicKey);
    expect(pooled).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 60)); // an idle interval
    await tick();
    await verifier.verify(reading(5), alice.address, alice.publicKey);
    expect(pooled).toBe(2);
    expect(verifier.stats().inline).toBe(2);
  });

  it("spends at most its budget inline: the rest of an interval's readings go to the pool", async () => {
    const all = Array.from({ length: 200 }, (_, i) => reading(100 + i)); // signed before: ~0.3 s busy
    const verifier = adaptive(0.05); // 1 ms of each 20 ms interval: ~10-20 native checks
    await new Promise((resolve) => setTimeout(resolve, 30)); // an idle first interval
    pooled = 0;
    await Promise.all(all.map((raw) => verifier.verify(raw, alice.address, alice.publicKey)));
    expect(pooled).toBeGreaterThan(100);
    expect(verifier.stats().inline).toBeGreaterThan(0);
    expect(verifier.stats().inline! + pooled).toBe(200);
  });

  it("never checks inline with maxLoad 0", async () => {
    const verifier = adaptive(0);
    pooled = 0;
    await verifier.verify(reading(6), alice.address, alice.publicKey);
    expect(pooled).toBe(1);
    expect(verifier.stats().inline).toBe(0);
  });
});
