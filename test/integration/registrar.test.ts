// The registrar against a real Hardhat chain and a real SQLite file: key changes made in the store reach
// SealtrailDeviceRegistry in order, with the chain's times; a restart resumes the outbox without sending a
// change twice; without a registrar key (or its role) operations wait and say why.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { keyChainState, Registrar, type RegistryChain, type SqliteStore } from "#gateway";
import { type Address, deviceIdentityFromPrivateKey, keccak256, keyMetadataHash } from "#protocol";
import {
  capturingLogger,
  EXAMPLE_REGISTRAR_KEY,
  type RegistryFixture,
  startRegistryFixture,
  tempStore,
} from "./registryKit.ts";

const identity = (name: string) =>
  deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode(`EXAMPLE ${name}`)));
const probe = identity("registrar probe key");
const probeNext = identity("registrar probe key, rotated");
const orgKey = identity("registrar organisation key");
const orgNext = identity("registrar organisation key, rotated");

let f: RegistryFixture;
beforeAll(async () => {
  f = await startRegistryFixture();
}, 120_000);
afterAll(async () => {
  await f?.stop();
});

/** Device probe registered, rotated to probeNext, probeNext revoked; organisation acme's key rotated too. */
async function lifecycle(store: SqliteStore): Promise<void> {
  await store.registerDevice({
    address: probe.address,
    publicKey: probe.publicKey,
    label: "probe",
    registeredAt: 1,
  });
  await store.createOrganisation({
    id: "acme",
    name: "ACME",
    glns: [],
    keys: [{ address: orgKey.address, publicKey: orgKey.publicKey }],
    createdAt: 2,
  });
  await store.rotateDevice({
    from: probe.address,
    to: { address: probeNext.address, publicKey: probeNext.publicKey, label: "probe" },
    at: 3,
  });
  await store.rotateOrganisationKey({
    organisation: "acme",
    from: orgKey.address,
    to: { address: orgNext.address, publicKey: orgNext.publicKey },
    at: 4,
  });
  await store.revokeDevice(probeNext.address, 5);
}

describe("the registrar", () => {
  it("When keys are registered, rotated and revoked in the store, then the chain has each change, in order, at the times of the blocks recorded", async () => {
    const s = tempStore();
    const store = s.open();
    const { logger, lines } = capturingLogger();
    const registrar = new Registrar({ store, chain: f.registryChain(), logger });
    try {
      await lifecycle(store);
      await registrar.tick();

      const chain = f.registryChain();
      const [a, b, k, l] = await Promise.all(
        [probe, probeNext, orgKey, orgNext].map((i) => chain.readKey(i.address)),
      );
      const opsOf = async (address: Address) =>
        keyChainState(address, await store.registryOperationsOf(address));
      const probeState = await opsOf(probe.address);
      const nextState = await opsOf(probeNext.address);
      expect(probeState.status).toBe("revoked");
      expect(nextState.status).toBe("revoked");
      expect((await opsOf(orgNext.address)).status).toBe("registered");

      // The contract's times are the block times the registrar recorded for each change.
      expect(a!.registeredAt).toBe(probeState.registration!.blockTimestamp);
      expect(a!.revokedAt).toBe(probeState.revocation!.blockTimestamp);
      expect(b!.registeredAt).toBe(a!.revokedAt); // a rotation registers and revokes at one instant
      expect(b!.revokedAt).toBe(nextState.revocation!.blockTimestamp);
      expect(a!.registeredAt).toBeLessThan(a!.revokedAt);
      expect(b!.registeredAt).toBeLessThan(b!.revokedAt);
      expect(a!.rotatedTo).toBe(probeNext.address);
      expect(b!.rotatedFrom).toBe(probe.address);
      // Blocks in outbox order: one key's changes never overtake each other.
      const blocks = [probeState.registration, probeState.revocation, nextState.revocation].map(
        (c) => c!.blockNumber!,
      );
      expect(blocks).toEqual([...blocks].sort((x, y) => x - y));

      // Kinds are told apart by the metadata hash.
      expect(a!.metadataHash).toBe(keyMetadataHash("device", probe.publicKey));
      expect(b!.metadataHash).toBe(keyMetadataHash("device", probeNext.publicKey));
      expect(k!.metadataHash).toBe(keyMetadataHash("organisation", orgKey.publicKey));
      expect(l!.metadataHash).toBe(keyMetadataHash("organisation", orgNext.publicKey));
      expect(k!.rotatedTo).toBe(orgNext.address);

      expect(await store.registryOutboxSummary()).toMatchObject({ pending: 0, sent: 0, failed: 0, done: 5 });
      expect(lines.join("")).not.toContain(EXAMPLE_REGISTRAR_KEY.slice(2));
    } finally {
      await registrar.close();
      await store.close();
      s.cleanup();
    }
  });

  it("When the registrar dies after broadcasting, then the next one finds the transaction and sends nothing twice", async () => {
    const s = tempStore();
    let store = s.open();
    const real = f.registryChain();
    const crashing: RegistryChain = Object.assign(Object.create(real) as RegistryChain, {
      send: async (...args: Parameters<RegistryChain["send"]>) => {
        await real.send(...args);
        throw new Error("EXAMPLE crash right after the broadcast");
      },
    });
    const device = identity("registrar restart key");
    const later = identity("registrar restart key, registered while down");
    const nonceBefore = await f.provider.getTransactionCount(real.registrar);
    try {
      await store.registerDevice({
        address: device.address,
        publicKey: device.publicKey,
        label: "d",
        registeredAt: 1,
      });
      // backoffMs 0: the thrown "crash" counts as an RPC error; a real crash leaves no backoff behind.
      const first = new Registrar({ store, chain: crashing, logger: capturingLogger().logger, backoffMs: 0 });
      await first.tick();
      await first.close();
      const [op] = await store.registryOperationsOf(device.address);
      expect(op).toMatchObject({ state: "sent", attempts: 1 });
      const sentHash = op!.txHash;
      expect(sentHash).toMatch(/^0x[0-9a-f]{64}$/);

      // A new process, the same file; one more key changed while nothing ran.
      await store.close();
      store = s.open();
      await store.registerDevice({
        address: later.address,
        publicKey: later.publicKey,
        label: "l",
        registeredAt: 2,
      });
      const second = new Registrar({ store, chain: real, logger: capturingLogger().logger });
      await second.tick();
      await second.close();

      const [resumed] = await store.registryOperationsOf(device.address);
      expect(resumed).toMatchObject({ state: "done", txHash: sentHash });
      expect((await store.registryOperationsOf(later.address))[0]).toMatchObject({ state: "done" });
      // Two registrations, two transactions: the crashed one was not sent again.
      expect(await f.provider.getTransactionCount(real.registrar)).toBe(nonceBefore + 2);
      expect((await real.readKey(device.address)).registeredAt).toBeGreaterThan(0);
    } finally {
      await store.close();
      s.cleanup();
    }
  });

  it("Without a registrar key, operations stay pending and its status says why; with a key that lacks the role, too", async () => {
    const s = tempStore();
    const store = s.open();
    const device = identity("registrar keyless key");
    try {
      await store.registerDevice({
        address: device.address,
        publicKey: device.publicKey,
        label: "d",
        registeredAt: 1,
      });
      const keyless = new Registrar({ store, chain: undefined, logger: capturingLogger().logger });
      await keyless.tick();
      expect(await keyless.status()).toMatchObject({
        configured: false,
        waiting: expect.stringMatching(/no registrar key/),
        outbox: { pending: 1, done: 0 },
      });
      await keyless.close();

      const stranger = f.registryChain(`0x${"5a".repeat(32)}`);
      const unauthorised = new Registrar({ store, chain: stranger, logger: capturingLogger().logger });
      await unauthorised.tick();
      expect(await unauthorised.status()).toMatchObject({
        configured: true,
        authorised: false,
        waiting: expect.stringMatching(/lacks REGISTRAR_ROLE/),
        outbox: { pending: 1 },
      });
      await unauthorised.close();
      expect((await f.registryChain().readKey(device.address)).registeredAt).toBe(0);
    } finally {
      await store.close();
      s.cleanup();
    }
  });

  it("When the RPC fails, then the operation keeps its place and is retried after a growing delay", async () => {
    const s = tempStore();
    const store = s.open();
    const device = identity("registrar rpc outage key");
    let now = 1_000_000;
    const real = f.registryChain();
    let down = true;
    const flaky: RegistryChain = Object.assign(Object.create(real) as RegistryChain, {
      readKey: async (address: Address) => {
        if (down)
          throw Object.assign(new Error("connect ECONNREFUSED"), { shortMessage: "EXAMPLE RPC down" });
        return real.readKey(address);
      },
    });
    const registrar = new Registrar({
      store,
      chain: flaky,
      logger: capturingLogger().logger,
      backoffMs: 100,
      now: () => now,
    });
    try {
      await store.registerDevice({
        address: device.address,
        publicKey: device.publicKey,
        label: "d",
        registeredAt: 1,
      });
      await registrar.tick();
      expect((await store.registryOperationsOf(device.address))[0]).toMatchObject({
        state: "pending",
        attempts: 1,
        nextAttemptAt: now + 100,
        lastError: "EXAMPLE RPC down",
      });
      now += 100;
      await registrar.tick();
      expect((await store.registryOperationsOf(device.address))[0]).toMatchObject({
        attempts: 2,
        nextAttemptAt: now + 200,
      });
      expect((await registrar.status()).waiting).toMatch(/retrying in 200 ms/);
      down = false;
      await registrar.tick(); // still in its backoff: nothing happens
      expect((await store.registryOperationsOf(device.address))[0]!.state).toBe("pending");
      now += 200;
      await registrar.tick();
      expect((await store.registryOperationsOf(device.address))[0]).toMatchObject({
        state: "done",
        lastError: null,
      });
      expect((await registrar.status()).waiting).toBeNull();
    } finally {
      await registrar.close();
      await store.close();
      s.cleanup();
    }
  });
});
