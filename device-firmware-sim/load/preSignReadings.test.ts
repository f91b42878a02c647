import { describe, expect, it } from "@jest/globals";
import {
  bytesToHex,
  decodeReading,
  deviceIdentityFromPrivateKey,
  GENESIS_PREV,
  keccak256,
  nobleVerifier,
  signDigest,
  signReading,
  verifyReading,
} from "#protocol";
import { preSignReadings } from "./preSignReadings.ts";

const identity = deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode("EXAMPLE presign device")));

describe("preSignReadings", () => {
  it("produces a valid hash chain: seq 1..n, each prev the id of the previous message", () => {
    const { messages, messageIds, nextSeq, lastId } = preSignReadings(identity, 20);
    let prev = bytesToHex(GENESIS_PREV);
    messages.forEach((raw, i) => {
      const reading = verifyReading(raw, identity.address, identity.publicKey, nobleVerifier).reading;
      expect(reading.seq).toBe(i + 1);
      expect(bytesToHex(reading.prev)).toBe(prev);
      prev = messageIds[i]!;
    });
    expect(nextSeq).toBe(21);
    expect(lastId).toBe(prev);
  });

  it("signs exactly the bytes signReading produces (RFC 6979, low-S), whichever signer is loaded", () => {
    const ts = 1_763_700_000_000;
    const [fast] = preSignReadings(identity, 1, 1, { ts, measurements: () => ({ temp_c: 4.5 }) }).messages;
    const reference = signReading(identity, { v: 1, seq: 1, ts, prev: GENESIS_PREV, m: { temp_c: 4.5 } });
    expect(bytesToHex(fast!)).toBe(bytesToHex(reference.message));
    const [noble] = preSignReadings(identity, 1, 1, {
      ts,
      measurements: () => ({ temp_c: 4.5 }),
      signer: signDigest,
    }).messages;
    expect(bytesToHex(noble!)).toBe(bytesToHex(reference.message));
  });

  it("continues a chain from a given seq and prev", () => {
    const first = preSignReadings(identity, 5);
    const rest = preSignReadings(identity, 5, first.nextSeq, { prev: first.lastId });
    const reading = decodeReading(rest.messages[0]!).reading;
    expect(reading.seq).toBe(6);
    expect(bytesToHex(reading.prev)).toBe(first.lastId);
  });

  it("refuses to continue after seq 1 without the previous message's id", () => {
    expect(() => preSignReadings(identity, 1, 7)).toThrow(/prev is required/);
  });
});
