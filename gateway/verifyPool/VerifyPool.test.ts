import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import {
  assembleCoseSign1,
  deviceIdentityFromPrivateKey,
  encodeProtectedHeader,
  encodeReadingPayload,
  GENESIS_PREV,
  keccak256,
  messageIdOf,
  signReading,
  toHighS,
} from "#protocol";
import { Refusal } from "../errors.ts";
import { VerifyPool } from "./VerifyPool.ts";

const example = (label: string) =>
  deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode(`EXAMPLE key ${label}`)));
const alice = example("pool alice");
const bob = example("pool bob");

const reading = (seq: number, id = alice) =>
  signReading(id, {
    v: 1,
    seq,
    ts: 1_763_700_000_000 + seq,
    prev: seq === 1 ? GENESIS_PREV : new Uint8Array(32).fill(seq),
    m: { temp_c: seq / 10 },
  }).message;

async function refusalCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "accepted";
  } catch (error) {
    return error instanceof Refusal ? error.code : `error: ${String(error)}`;
  }
}

describe("VerifyPool (native verifier, 2 workers)", () => {
  const pool = new VerifyPool({ size: 2, verifier: "native", maxMessageBytes: 4096, batchMax: 64 });
  beforeAll(() => pool.start());
  afterAll(() => pool.close());

  it("resolves a valid reading with its id, seq, ts and payload JSON", async () => {
    const raw = reading(1);
    const verified = await pool.verify(raw, alice.address, alice.publicKey);
    expect(verified).toEqual({
      messageId: messageIdOf(raw),
      seq: 1,
      ts: 1_763_700_000_001,
      payloadJson: expect.stringContaining('"temp_c":0.1'),
    });
  });

  it("refuses, with the protocol's codes, what the bytes or the key give away", async () => {
    const good = reading(2);
    const forged = good.slice();
    forged[forged.length - 50]! ^= 1;
    const protectedBytes = encodeProtectedHeader(new Uint8Array(20).fill(0xaa));
    const payload = encodeReadingPayload({
      v: 1,
      seq: 3,
      ts: 1,
      prev: new Uint8Array(32).fill(3),
      m: { temp_c: 1 },
    });
    const highS = (() => {
      const raw = reading(4);
      const sig = raw.subarray(raw.length - 64);
      const out = raw.slice();
      out.set(toHighS(sig), raw.length - 64);
      return out;
    })();
    const cases: [Uint8Array, string][] = [
      [forged, "BAD_SIGNATURE"],
      [reading(5, bob), "KID_MISMATCH"],
      [assembleCoseSign1(protectedBytes, payload, new Uint8Array(64).fill(1)), "KID_MISMATCH"],
      [highS, "HIGH_S"],
      [Uint8Array.of(0x9f), "MALFORMED_COSE"],
      [Uint8Array.of(0xd2, 0x9a, 0x01, 0x31, 0x2d, 0x00), "MALFORMED_CBOR"],
      [new Uint8Array(5000), "TOO_LARGE"],
    ];
    const codes = await Promise.all(
      cases.map(([raw]) => refusalCode(pool.verify(raw, alice.address, alice.publicKey))),
    );
    expect(codes).toEqual(cases.map(([, code]) => code));
  });

  it("refuses a good reading checked against another device's key", async () => {
    expect(await refusalCode(pool.verify(reading(6), alice.address, bob.publicKey))).toBe("BAD_SIGNATURE");
  });

  it("answers thousands of concurrent readings, each with its own result, across batches and workers", async () => {
    const raws = Array.from({ length: 2000 }, (_, i) => reading(i + 10));
    const tampered = new Set([7, 500, 1999]);
    const inputs = raws.map((raw, i) => {
      if (!tampered.has(i)) return raw;
      const copy = raw.slice();
      copy[copy.length - 40]! ^= 4;
      return copy;
    });
    const results = await Promise.all(
      inputs.map((raw) => refusalCode(pool.verify(raw, alice.address, alice.publicKey))),
    );
    expect(results.filter((r) => r === "accepted")).toHaveLength(1997);
    expect([...tampered].map((i) => results[i])).toEqual(["BAD_SIGNATURE", "BAD_SIGNATURE", "BAD_SIGNATURE"]);
    expect(pool.stats()).toMatchObject({ size: 2, pending: 0 });
    expect(pool.stats().busySeconds).toBeGreaterThan(0);
  });
});

describe("VerifyPool (noble fallback)", () => {
  it("gives the same verdicts as the native verifier", async () => {
    const pool = new VerifyPool({ size: 1, verifier: "noble", maxMessageBytes: 4096 });
    await pool.start();
    try {
      const good = reading(1);
      const forged = good.slice();
      forged[forged.length - 50]! ^= 1;
      expect(await refusalCode(pool.verify(good, alice.address, alice.publicKey))).toBe("accepted");
      expect(await refusalCode(pool.verify(forged, alice.address, alice.publicKey))).toBe("BAD_SIGNATURE");
      // Again, now that the worker holds alice's precomputed key table.
      expect(await refusalCode(pool.verify(reading(2), alice.address, alice.publicKey))).toBe("accepted");
      expect(await refusalCode(pool.verify(forged, alice.address, alice.publicKey))).toBe("BAD_SIGNATURE");
    } finally {
      await pool.close();
    }
  });
});

describe("VerifyPool (noble fallback, 2 workers)", () => {
  type Internals = { slots: { dead: boolean }[]; send(slot: unknown, jobs: { device: string }[]): void };

  it("sends each device to one worker, so a key's table is built once, and verifies every reading", async () => {
    const pool = new VerifyPool({ size: 2, verifier: "noble", maxMessageBytes: 4096 });
    await pool.start();
    const internals = pool as unknown as Internals;
    const send = internals.send.bind(pool);
    const workersOf = new Map<string, Set<number>>();
    internals.send = (slot, jobs) => {
      for (const job of jobs) {
        const seen = workersOf.get(job.device) ?? new Set<number>();
        seen.add(internals.slots.indexOf(slot as never));
        workersOf.set(job.device, seen);
      }
      send(slot, jobs);
    };
    try {
      const devices = Array.from({ length: 12 }, (_, i) => example(`pool noble ${i}`));
      const verdicts = await Promise.all(
        // Interleaved (every device's seq 1, then every seq 2…): an even split would scatter devices.
        [1, 2, 3].flatMap((seq) =>
          devices.map((d) => refusalCode(pool.verify(reading(seq, d), d.address, d.publicKey))),
        ),
      );
      expect(verdicts).toEqual(new Array(36).fill("accepted"));
      expect([...workersOf.values()].every((workers) => workers.size === 1)).toBe(true);
      expect(new Set([...workersOf.values()].flatMap((w) => [...w]))).toEqual(new Set([0, 1]));

      // A device whose worker is down goes to the next live one rather than waiting for it.
      const onZero = devices.find((d) => workersOf.get(d.address)!.has(0))!;
      internals.slots[0]!.dead = true;
      expect(await refusalCode(pool.verify(reading(9, onZero), onZero.address, onZero.publicKey))).toBe(
        "accepted",
      );
      expect(workersOf.get(onZero.address)).toEqual(new Set([0, 1]));
    } finally {
      await pool.close();
    }
  });
});

describe("VerifyPool lifecycle", () => {
  it("rejects pending and later readings once closed", async () => {
    const pool = new VerifyPool({ size: 1, verifier: "native", maxMessageBytes: 4096 });
    await pool.start();
    const pending = expect(pool.verify(reading(1), alice.address, alice.publicKey)).rejects.toThrow(/closed/);
    await pool.close();
    await pending;
    await expect(pool.verify(reading(1), alice.address, alice.publicKey)).rejects.toThrow(/closed/);
  });

  it("replaces a worker that dies: a reading in flight is verified or fails (never hangs), later ones are verified", async () => {
    const pool = new VerifyPool({ size: 1, verifier: "native", maxMessageBytes: 4096 });
    await pool.start();
    try {
      const replaced = once(pool, "workerReplaced");
      const inFlight = pool.verify(reading(1), alice.address, alice.publicKey);
      const slots = (pool as unknown as { slots: { worker: { terminate(): Promise<number> } }[] }).slots;
      await slots[0]!.worker.terminate();
      // The worker may have answered before it died (a race we do not control): then the answer is a real
      // verification; otherwise the reading fails with "exited" and is never acknowledged.
      const settled = await inFlight.then(
        (ok) => ({ ok }),
        (error: Error) => ({ error: error.message }),
      );
      if ("error" in settled) expect(settled.error).toMatch(/exited/);
      else expect(settled.ok).toMatchObject({ seq: 1 });
      await replaced; // the replacement has passed its self-test
      expect(await refusalCode(pool.verify(reading(2), alice.address, alice.publicKey))).toBe("accepted");
    } finally {
      await pool.close();
    }
  });

  it("refuses to be built without workers", () => {
    expect(() => new VerifyPool({ size: 0, verifier: "native", maxMessageBytes: 4096 })).toThrow(
      /at least one/,
    );
  });
});

describe("VerifyPool libsecp256k1 choice", () => {
  it.each(["bundled", "auto"] as const)(
    "workers on the %s libsecp256k1 accept and refuse alike",
    async (choice) => {
      const pool = new VerifyPool({ size: 1, verifier: "native", secp256k1: choice, maxMessageBytes: 4096 });
      await pool.start();
      try {
        const good = reading(7);
        const highS = good.slice();
        highS.set(toHighS(good.subarray(good.length - 64)), good.length - 64);
        expect(await refusalCode(pool.verify(good, alice.address, alice.publicKey))).toBe("accepted");
        expect(await refusalCode(pool.verify(good, bob.address, bob.publicKey))).toBe("KID_MISMATCH");
        expect(await refusalCode(pool.verify(highS, alice.address, alice.publicKey))).toBe("HIGH_S");
      } finally {
        await pool.close();
      }
    },
  );
});
