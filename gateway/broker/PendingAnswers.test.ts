import { describe, expect, it } from "@jest/globals";
import type { Client } from "aedes";
import { PendingAnswers } from "./PendingAnswers.ts";

// Clients are only keys here; the flush is recorded, and completed when the test says the bytes have left.
const client = (id: string) => ({ id }) as unknown as Client;

function setup(timeoutMs = 60_000) {
  const events: string[] = [];
  const flushes: (() => void)[] = [];
  const timeouts: number[] = [];
  const answers = new PendingAnswers({
    timeoutMs,
    flush: (c, done) => {
      events.push(`flush ${c.id}`);
      flushes.push(done);
    },
    onTimeout: (_c, pending) => timeouts.push(pending),
  });
  const hook = (name: string) => (error?: Error | null) => events.push(`${name} failed: ${error?.message}`);
  return { answers, events, flushes, timeouts, hook };
}

describe("PendingAnswers", () => {
  it("closes a refused connection only after the readings taken before the refusal are answered", () => {
    const { answers, events, flushes, hook } = setup();
    const a = client("a");
    answers.add(a); // two readings taken, being committed
    answers.add(a);
    answers.closeWhenAnswered(a, new Error("RATE_LIMITED"), hook("refused"));
    expect(answers.isClosing(a)).toBe(true);
    answers.done(a);
    expect(events).toEqual([]);
    answers.done(a); // the last PUBACK is written: now the written bytes are flushed, then the hook fails
    expect(events).toEqual(["flush a"]);
    flushes[0]!();
    expect(events).toEqual(["flush a", "refused failed: RATE_LIMITED"]);
  });

  it("closes at once, after the flush, when nothing is owed", () => {
    const { answers, events, flushes, hook } = setup();
    const a = client("a");
    answers.closeWhenAnswered(a, new Error("QOS_NOT_SUPPORTED"), hook("refused"));
    expect(events).toEqual(["flush a"]);
    flushes[0]!();
    expect(events).toEqual(["flush a", "refused failed: QOS_NOT_SUPPORTED"]);
  });

  it("shares one close between several refusals and fails the PUBLISHes not taken with the first reason", () => {
    const { answers, events, flushes, hook } = setup();
    const a = client("a");
    answers.add(a);
    answers.closeWhenAnswered(a, new Error("RATE_LIMITED"), hook("first"));
    answers.closeWhenAnswered(a, new Error("BAD_SIGNATURE"), hook("second"));
    answers.join(a, hook("not taken"));
    answers.done(a);
    flushes[0]!();
    expect(flushes).toHaveLength(1);
    expect(events).toEqual([
      "flush a",
      "first failed: RATE_LIMITED",
      "second failed: BAD_SIGNATURE",
      "not taken failed: RATE_LIMITED",
    ]);
    answers.join(a, hook("after the close")); // aedes may still hand over a packet parsed before it closed
    expect(events.at(-1)).toBe("after the close failed: RATE_LIMITED");
  });

  it("keeps connections apart: one device's refusal neither waits for nor closes another's", () => {
    const { answers, events, flushes, hook } = setup();
    const a = client("a");
    const b = client("b");
    answers.add(b);
    answers.closeWhenAnswered(a, new Error("RATE_LIMITED"), hook("a"));
    flushes[0]!();
    expect(events).toEqual(["flush a", "a failed: RATE_LIMITED"]);
    expect(answers.isClosing(b)).toBe(false);
    answers.done(b);
    expect(events).toHaveLength(2);
  });

  it("closes anyway once the wait runs out, when a taken reading never completes", async () => {
    const { answers, events, flushes, timeouts, hook } = setup(20);
    const a = client("a");
    answers.add(a); // a commit that hangs
    answers.closeWhenAnswered(a, new Error("RATE_LIMITED"), hook("refused"));
    while (flushes.length === 0) await new Promise((r) => setTimeout(r, 5));
    flushes[0]!();
    expect(timeouts).toEqual([1]);
    expect(events).toEqual(["flush a", "refused failed: RATE_LIMITED"]);
    answers.done(a); // the late answer changes nothing
    expect(flushes).toHaveLength(1);
  });
});
