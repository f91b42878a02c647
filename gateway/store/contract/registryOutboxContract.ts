// The store contract: the registry outbox (what sqlite/registryOutbox.test.ts proves of SQLite, through
// the RegistryOutbox interface only, so that every store is held to it).
import { beforeEach, describe, expect, it } from "@jest/globals";
import type { RegistryOperation } from "../registryOutboxTypes.ts";
import { type StoreUnderTest, target } from "./context.ts";
import { address, publicKey } from "./fixtures.ts";

const A = address("outbox A");
const B = address("outbox B");
const C = address("outbox C");
const K = address("outbox K");
const L = address("outbox L");
const M = address("outbox M");

/** Device A registered, rotated to B, B revoked; C registered; organisation acme with K, K rotated to L, M added and revoked. */
async function lifecycle(store: StoreUnderTest): Promise<void> {
  await store.registerDevice({ address: A, publicKey: publicKey("A"), label: "a", registeredAt: 10 });
  await store.rotateDevice({ from: A, to: { address: B, publicKey: publicKey("B"), label: "a" }, at: 20 });
  await store.registerDevice({ address: C, publicKey: publicKey("C"), label: "c", registeredAt: 25 });
  await store.revokeDevice(B, 30);
  await store.createOrganisation({
    id: "acme",
    name: "ACME",
    glns: [],
    keys: [{ address: K, publicKey: publicKey("K") }],
    createdAt: 40,
  });
  await store.rotateOrganisationKey({
    organisation: "acme",
    from: K,
    to: { address: L, publicKey: publicKey("L") },
    at: 50,
  });
  await store.addOrganisationKey("acme", { address: M, publicKey: publicKey("M") }, 60);
  await store.revokeOrganisationKey("acme", M, 70);
}

/** The lifecycle's operations, in the order the store made the changes. */
const EXPECTED = [
  ["device", "register", A, null, "A", 10],
  ["device", "rotate", A, B, "B", 20],
  ["device", "register", C, null, "C", 25],
  ["device", "revoke", B, null, null, 30],
  ["organisation", "register", K, null, "K", 40],
  ["organisation", "rotate", K, L, "L", 50],
  ["organisation", "register", M, null, "M", 60],
  ["organisation", "revoke", M, null, null, 70],
] as const;

/** Every queued operation, walked through nextRegistryOperation (each marked done to reach the next). */
async function drain(store: StoreUnderTest): Promise<RegistryOperation[]> {
  const seen: RegistryOperation[] = [];
  for (let op = await store.nextRegistryOperation(); op; op = await store.nextRegistryOperation()) {
    seen.push(op);
    await store.updateRegistryOperation(op.id, { state: "done", updatedAt: 1_000 });
  }
  return seen;
}

/** Queueing of key changes, the registrar's progress, the summary, the attester key and retargeting. */
export function registryOutboxContract(current: () => StoreUnderTest): void {
  describe("registry outbox", () => {
    let store: StoreUnderTest;
    beforeEach(() => {
      store = current();
    });

    it("queues every device and organisation key change, in the order the store made them, pending", async () => {
      await lifecycle(store);
      const ops = await drain(store);
      expect(
        ops.map((o) => [
          o.keyKind,
          o.operation,
          o.address,
          o.newAddress,
          o.publicKey,
          o.requestedAt,
          o.state,
          o.attempts,
          o.nextAttemptAt,
        ]),
      ).toEqual(
        EXPECTED.map(([kind, op, addr, next, key, at]) => [
          kind,
          op,
          addr,
          next,
          key === null ? null : publicKey(key),
          at,
          "pending",
          0,
          0,
        ]),
      );
      // Ids give the outbox order: strictly increasing.
      expect(ops.map((o) => o.id)).toEqual([...ops.map((o) => o.id)].sort((a, b) => a - b));
      expect(new Set(ops.map((o) => o.id)).size).toBe(ops.length);
    });

    it("queues nothing for a change the store refuses or already has (repeated register, revoke, rotate)", async () => {
      await store.registerDevice({ address: A, publicKey: publicKey("A"), label: "a", registeredAt: 10 });
      await store.registerDevice({ address: A, publicKey: publicKey("A"), label: "a", registeredAt: 11 });
      await store.revokeDevice(A, 12);
      await store.revokeDevice(A, 13);
      await store.rotateDevice({
        from: A,
        to: { address: B, publicKey: publicKey("B"), label: "a" },
        at: 14,
      });
      await store.revokeDevice(C, 15);
      await store.createOrganisation({ id: "acme", name: "ACME", glns: [], keys: [], createdAt: 16 });
      await store.addOrganisationKey("acme", { address: K, publicKey: publicKey("K") }, 17);
      await store.addOrganisationKey("acme", { address: K, publicKey: publicKey("K") }, 18);
      await store.addOrganisationKey("nobody", { address: L, publicKey: publicKey("L") }, 19);
      await store.revokeOrganisationKey("acme", K, 20);
      await store.revokeOrganisationKey("acme", K, 21);
      await store.rotateOrganisationKey({
        organisation: "acme",
        from: K,
        to: { address: M, publicKey: publicKey("M") },
        at: 22,
      });
      expect((await drain(store)).map((o) => [o.keyKind, o.operation, o.requestedAt])).toEqual([
        ["device", "register", 10],
        ["device", "revoke", 12],
        ["organisation", "register", 17],
        ["organisation", "revoke", 20],
      ]);
    });

    it("hands the registrar the oldest open operation, records its progress and counts the states", async () => {
      await lifecycle(store);
      const first = (await store.nextRegistryOperation()) as RegistryOperation;
      expect(first).toMatchObject({ operation: "register", address: A, keyKind: "device", state: "pending" });
      expect(first.publicKey).toEqual(publicKey("A"));
      const sent = await store.updateRegistryOperation(first.id, {
        state: "sent",
        txHash: "0xaa",
        attempts: 1,
        chainId: target.chainId,
        contract: target.contract,
        updatedAt: 99,
      });
      expect(sent).toMatchObject({ id: first.id, state: "sent", txHash: "0xaa", attempts: 1, updatedAt: 99 });
      // A sent operation stays the next one until its receipt is recorded: nothing overtakes it.
      expect((await store.nextRegistryOperation())?.id).toBe(first.id);
      await store.updateRegistryOperation(first.id, {
        state: "done",
        blockNumber: 7,
        blockTimestamp: 1234,
        updatedAt: 100,
      });
      expect(await store.registryOperationsOf(A)).toMatchObject([
        {
          id: first.id,
          state: "done",
          txHash: "0xaa",
          blockNumber: 7,
          blockTimestamp: 1234,
          lastError: null,
        },
        { operation: "rotate", newAddress: B },
      ]);
      expect((await store.nextRegistryOperation())?.operation).toBe("rotate");
      expect((await store.registryOperationsOf(B)).map((o) => o.operation)).toEqual(["rotate", "revoke"]);
      expect(await store.registryOutboxSummary()).toEqual({
        pending: 7,
        sent: 0,
        done: 1,
        failed: 0,
        oldestOpenRequestedAt: 20,
      });
      const second = (await store.nextRegistryOperation())!;
      await store.updateRegistryOperation(second.id, {
        state: "failed",
        lastError: "refused",
        updatedAt: 101,
      });
      expect(await store.registryOutboxSummary()).toMatchObject({ pending: 6, failed: 1 });
      // A failed operation waits for an operator: the registrar moves on.
      expect((await store.nextRegistryOperation())?.address).toBe(C);
    });

    it("counts an empty outbox as empty", async () => {
      expect(await store.nextRegistryOperation()).toBeUndefined();
      expect(await store.registryOutboxSummary()).toEqual({
        pending: 0,
        sent: 0,
        done: 0,
        failed: 0,
        oldestOpenRequestedAt: null,
      });
    });

    it("queues the operator's attester key once, and not a key the outbox already names", async () => {
      expect(await store.enqueueAttesterKey({ address: A, publicKey: publicKey("A") }, 5)).toBe(true);
      expect(await store.enqueueAttesterKey({ address: A, publicKey: publicKey("A") }, 6)).toBe(false);
      expect(await store.registryOperationsOf(A)).toMatchObject([
        { keyKind: "attester", operation: "register", requestedAt: 5, state: "pending" },
      ]);
      await store.registerDevice({ address: C, publicKey: publicKey("C"), label: "c", registeredAt: 7 });
      expect(await store.enqueueAttesterKey({ address: C, publicKey: publicKey("C") }, 8)).toBe(false);
    });

    it("sends back to pending only the operations recorded against another registry", async () => {
      await lifecycle(store);
      const [first, second] = await store.registryOperationsOf(A);
      await store.updateRegistryOperation(first!.id, {
        state: "done",
        chainId: target.chainId,
        contract: target.contract,
        txHash: "0xaa",
        blockNumber: 3,
        blockTimestamp: 30,
        updatedAt: 90,
      });
      await store.updateRegistryOperation(second!.id, {
        state: "failed",
        chainId: 10,
        contract: target.contract,
        lastError: "refused",
        attempts: 2,
        updatedAt: 91,
      });
      expect(await store.retargetRegistryOutbox(target)).toBe(1);
      const [kept, again] = await store.registryOperationsOf(A);
      expect(kept).toMatchObject({ state: "done", chainId: target.chainId, txHash: "0xaa" });
      expect(again).toMatchObject({
        state: "pending",
        attempts: 0,
        nextAttemptAt: 0,
        lastError: null,
        chainId: null,
        contract: null,
        txHash: null,
        blockNumber: null,
        blockTimestamp: null,
      });
      expect(await store.retargetRegistryOutbox(target)).toBe(0);
    });
  });
}
