import { describe, expect, it } from "@jest/globals";
import { type Address, deviceIdentityFromPrivateKey, GENESIS_PREV, keccak256, signReading } from "#protocol";
import { nativeVerifier } from "#protocol/native";
import { Refusal } from "../errors.ts";
import type { IngestDepth } from "../metrics.ts";
import { DeviceRegistry } from "../registry/deviceRegistry.ts";
import type { DeviceRecord, InsertOutcome, MessageRecord, Store } from "../store/types.ts";
import { ingestReading, readingLimits } from "./ingestReading.ts";
import { inlineReadingVerifier, type ReadingVerifier } from "./verifier.ts";

const alice = deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode("EXAMPLE key ingest alice")));
const NOW = 1_763_700_000_000;

/** Just enough of a Store for ingest: devices and a (device, seq)-unique message table. */
class FakeStore {
  devices = new Map<Address, DeviceRecord>();
  messages = new Map<string, MessageRecord>();
  async listDevices() {
    return [...this.devices.values()];
  }
  async getDevice(a: Address) {
    return this.devices.get(a);
  }
  async registerDevice(d: { address: Address; publicKey: Uint8Array; label: string; registeredAt: number }) {
    const record = { ...d, revokedAt: null, flaggedAt: null, rotatedFrom: null, rotatedTo: null, giai: null };
    this.devices.set(d.address, record);
    return record;
  }
  async revokeDevice(a: Address, at: number) {
    const d = this.devices.get(a);
    if (d) this.devices.set(a, { ...d, revokedAt: at });
    return this.devices.get(a);
  }
  async flagDevice(a: Address, at: number) {
    const d = this.devices.get(a);
    if (d) this.devices.set(a, { ...d, flaggedAt: at });
  }
  async insertMessage(m: MessageRecord): Promise<InsertOutcome> {
    if (this.messages.has(m.messageId)) return { status: "duplicate" };
    const same = [...this.messages.values()].find((x) => x.device === m.device && x.seq === m.seq);
    if (same) return { status: "equivocation", existingId: same.messageId };
    this.messages.set(m.messageId, m);
    return { status: "inserted" };
  }
}

async function setup(verifier?: ReadingVerifier) {
  const store = new FakeStore();
  const registry = new DeviceRegistry(store as unknown as Store);
  await registry.register(alice.publicKey, "alice");
  const depth: IngestDepth = { inFlight: 0, verifying: 0, committing: 0 };
  const deps = {
    store: store as unknown as Store,
    registry,
    verifier: verifier ?? inlineReadingVerifier(nativeVerifier, readingLimits(4096)),
    maxFutureSkewMs: 300_000,
    depth,
    now: () => NOW,
  };
  return { store, registry, deps, depth };
}

const reading = (seq: number, ts = NOW - 1000, temp = 4) =>
  signReading(alice, {
    v: 1,
    seq,
    ts,
    prev: seq === 1 ? GENESIS_PREV : new Uint8Array(32).fill(seq),
    m: { temp_c: temp },
  });

async function codeOf(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => "accepted",
    (e: unknown) => (e instanceof Refusal ? e.code : `error: ${String(e)}`),
  );
}

describe("ingestReading", () => {
  it("stores a verified reading with the server receive time and the device clock", async () => {
    const { store, deps, depth } = await setup();
    const { message, messageId } = reading(1);
    const result = await ingestReading(deps, alice.address, message);
    expect(result.status).toBe("inserted");
    expect(store.messages.get(messageId)).toMatchObject({
      seq: 1,
      deviceTs: NOW - 1000,
      receivedAt: NOW,
      raw: message,
    });
    expect(depth).toEqual({ inFlight: 0, verifying: 0, committing: 0 });
  });

  it("acknowledges an identical message again as a duplicate", async () => {
    const { deps } = await setup();
    const { message } = reading(1);
    await ingestReading(deps, alice.address, message);
    expect((await ingestReading(deps, alice.address, message)).status).toBe("duplicate");
  });

  it("refuses equivocation and flags the device", async () => {
    const { store, deps } = await setup();
    await ingestReading(deps, alice.address, reading(1).message);
    expect(await codeOf(ingestReading(deps, alice.address, reading(1, NOW - 2000).message))).toBe(
      "EQUIVOCATION",
    );
    expect(store.devices.get(alice.address)?.flaggedAt).toBe(NOW);
  });

  it("refuses a reading from the future beyond the allowed skew, after checking its signature", async () => {
    const { deps } = await setup();
    expect(await codeOf(ingestReading(deps, alice.address, reading(1, NOW + 300_001).message))).toBe(
      "CLOCK_SKEW",
    );
    expect(await codeOf(ingestReading(deps, alice.address, reading(1, NOW + 300_000).message))).toBe(
      "accepted",
    );
  });

  it("refuses a revoked device before looking at the message", async () => {
    let verified = 0;
    const counting: ReadingVerifier = {
      verify: async (raw, device, key) => {
        verified++;
        return inlineReadingVerifier(nativeVerifier, readingLimits(4096)).verify(raw, device, key);
      },
    };
    const { registry, deps } = await setup(counting);
    await registry.revoke(alice.address, NOW);
    expect(await codeOf(ingestReading(deps, alice.address, reading(1).message))).toBe("REVOKED_DEVICE");
    expect(verified).toBe(0);
  });

  it("passes a storage failure through as an error, not a refusal, counts it, and keeps the stage counters right", async () => {
    const { store, deps, depth } = await setup();
    let storeWriteErrors = 0;
    const counted = { ...deps, storeWriteErrors: { inc: () => void storeWriteErrors++ } };
    expect(await codeOf(ingestReading(counted, alice.address, reading(1).message))).toBe("accepted");
    store.insertMessage = async () => {
      throw new Error("disk full");
    };
    expect(await codeOf(ingestReading(counted, alice.address, reading(2).message))).toBe(
      "error: Error: disk full",
    );
    expect({ depth, storeWriteErrors }).toEqual({
      depth: { inFlight: 0, verifying: 0, committing: 0 },
      storeWriteErrors: 1,
    });
  });
});
