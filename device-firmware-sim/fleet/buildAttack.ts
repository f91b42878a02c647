import {
  type Address,
  addressToBytes,
  type DeviceIdentity,
  encodeReadingPayload,
  generatePrivateKey,
  type Hex,
  hexToBytes,
  type ReadingPayload,
  signCoseSign1,
  signReading,
} from "#protocol";
import type { Prng } from "../random/createPrng.ts";
import type { Attack } from "./scenarioSchema.ts";

/** One attempt of a compromised device: what it publishes where, and the refusal it must earn. */
export type AttackPlan = {
  attack: Attack;
  /** A valid reading published (and acknowledged) first, when the attack needs one. */
  prelude?: { raw: Uint8Array; seq: number; messageId: Hex };
  topic: string;
  payload: Uint8Array;
  /** The refusal the gateway should answer with (random bytes may earn any decoding refusal). */
  expect: string;
};

export type AttackContext = {
  identity: DeviceIdentity;
  /** The device's chain so far: last seq it got stored and that message's id. */
  seq: number;
  prev: Hex;
  /** Another device's address, for publishing under someone else's topic. */
  victim: Address;
  prng: Prng;
  now: number;
};

const randomBytes = (prng: Prng, length: number) =>
  Uint8Array.from({ length }, () => Math.floor(prng.next() * 256));

/**
 * Builds the junk a compromised (but registered) device sends: the gateway must refuse each with a clear
 * reason, store nothing, and carry on serving everyone else (DESIGN invariant 4).
 * @example buildAttack("forgedSignature", ctx).expect // "BAD_SIGNATURE"
 */
export function buildAttack(attack: Attack, ctx: AttackContext): AttackPlan {
  const { identity, prng } = ctx;
  const readings = `devices/${identity.address}/readings`;
  const next = (overrides: Partial<ReadingPayload> = {}): ReadingPayload => ({
    v: 1,
    seq: ctx.seq + 1,
    ts: ctx.now,
    prev: hexToBytes(ctx.prev, 32),
    m: { temp_c: Math.round(prng.uniform(2, 6) * 100) / 100 },
    ...overrides,
  });
  switch (attack) {
    case "randomBytes":
      return {
        attack,
        topic: readings,
        payload: randomBytes(prng, 16 + Math.floor(prng.next() * 496)),
        expect: "MALFORMED_CBOR",
      };
    case "oversized":
      // Twice the gateway's default limit: its frame guard cuts the connection before reading the body.
      return {
        attack,
        topic: readings,
        payload: randomBytes(prng, 8192),
        expect: "DISCONNECTED_WITHOUT_NOTICE",
      };
    case "forgedSignature": {
      // Its own kid and a well-formed payload, but signed by a key the gateway has never seen.
      const payload = signCoseSign1(
        generatePrivateKey(),
        addressToBytes(identity.address),
        encodeReadingPayload(next()),
      );
      return { attack, topic: readings, payload, expect: "BAD_SIGNATURE" };
    }
    case "futureTimestamp":
      return {
        attack,
        topic: readings,
        payload: signReading(identity, next({ ts: ctx.now + 3_600_000 })).message,
        expect: "CLOCK_SKEW",
      };
    case "wrongTopic":
      return {
        attack,
        topic: `devices/${ctx.victim}/readings`,
        payload: signReading(identity, next()).message,
        expect: "NOT_AUTHORIZED_TOPIC",
      };
    case "reusedSeq": {
      // A genuine reading, acknowledged; then a different one with the same seq: equivocation.
      const genuine = signReading(identity, next());
      const conflicting = signReading(identity, next({ m: { temp_c: 99 } }));
      return {
        attack,
        prelude: { raw: genuine.message, seq: ctx.seq + 1, messageId: genuine.messageId },
        topic: readings,
        payload: conflicting.message,
        expect: "EQUIVOCATION",
      };
    }
  }
}
