import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import type { Address } from "#protocol";
import type { EventQuery, EventStore } from "../eventTypes.ts";
import { StoreErrorCode } from "../storeErrors.ts";
import type { AnchorTarget, Store } from "../types.ts";
import { address, DL, event, GLN, prevOf, publicKey, reading, root, SSCC, serialOf } from "./fixtures.ts";

/** A fresh, empty store of the implementation under test, and how to throw it away after the test. */
export type StoreFactory = () => Promise<{ store: Store & EventStore; dispose: () => Promise<void> }>;

/**
 * The behaviour every Store + EventStore implementation must have, written from the interfaces
 * (../types.ts, ../eventTypes.ts) alone: sqlite/storeContract.test.ts runs it against SQLite always,
 * mongo/storeContract.test.ts against MongoDB when a server is given. A difference between the stores
 * is a failure of one of them here, not a surprise in production.
 */
export function describeStoreContract(name: string, open: StoreFactory): void {
  describe(`${name} keeps the store contract`, () => {
    let store: Store & EventStore;
    let dispose: (() => Promise<void>) | undefined;
    beforeEach(async () => {
      dispose = undefined;
      ({ store, dispose } = await open());
    });
    afterEach(async () => {
      await dispose?.();
    });

    const dev = address("device 1");
    const dev2 = address("device 2");
    const target: AnchorTarget = { chainId: 31337, contract: address("anchor contract") };
    const other: AnchorTarget = { chainId: 10, contract: address("other contract") };

    /** Stores readings 1..count of a device, one after the other. */
    async function readings(device: Address, count: number, from = 1) {
      const records = [];
      for (let seq = from; seq < from + count; seq++) {
        const r = reading(device, seq);
        expect(await store.insertMessage(r)).toEqual({ status: "inserted" });
        records.push(r);
      }
      return records;
    }

    /** Seals everything unbatched as one batch. */
    async function sealAll(label: string) {
      const pending = await store.unbatchedSummary(1_000_000);
      return store.sealBatch({
        root: root(label),
        sealedAt: 5_000,
        lastN: pending.lastN,
        size: pending.count,
      });
    }

    describe("devices", () => {
      it("registers a device; registering the address again returns the first record unchanged", async () => {
        const first = await store.registerDevice({
          address: dev,
          publicKey: publicKey("1"),
          label: "truck",
          registeredAt: 10,
        });
        expect(first).toEqual({
          address: dev,
          publicKey: publicKey("1"),
          label: "truck",
          registeredAt: 10,
          revokedAt: null,
          flaggedAt: null,
          rotatedFrom: null,
          rotatedTo: null,
          giai: null,
        });
        const again = await store.registerDevice({
          address: dev,
          publicKey: publicKey("1"),
          label: "renamed",
          registeredAt: 99,
        });
        expect(again).toEqual(first);
        expect(await store.getDevice(dev)).toEqual(first);
        expect(await store.getDevice(address("nobody"))).toBeUndefined();
      });

      it("lists devices by registration time, then address", async () => {
        const a = address("a");
        const b = address("b");
        await store.registerDevice({ address: dev, publicKey: publicKey("x"), label: "x", registeredAt: 30 });
        await store.registerDevice({ address: b, publicKey: publicKey("b"), label: "b", registeredAt: 20 });
        await store.registerDevice({ address: a, publicKey: publicKey("a"), label: "a", registeredAt: 20 });
        expect((await store.listDevices()).map((d) => d.address)).toEqual([...[a, b].sort(), dev]);
      });

      it("revokes an active device once: a second revocation keeps the first time", async () => {
        await store.registerDevice({ address: dev, publicKey: publicKey("1"), label: "d", registeredAt: 1 });
        expect((await store.revokeDevice(dev, 50))?.revokedAt).toBe(50);
        expect((await store.revokeDevice(dev, 60))?.revokedAt).toBe(50);
        expect(await store.revokeDevice(address("nobody"), 60)).toBeUndefined();
      });

      it("flags a device once (the first equivocation's time is kept)", async () => {
        await store.registerDevice({ address: dev, publicKey: publicKey("1"), label: "d", registeredAt: 1 });
        await store.flagDevice(dev, 70);
        await store.flagDevice(dev, 80);
        expect((await store.getDevice(dev))?.flaggedAt).toBe(70);
      });

      it("rotates a key: the new key names the old, the old is revoked naming the new, the GIAI moves", async () => {
        await store.registerDevice({ address: dev, publicKey: publicKey("1"), label: "d", registeredAt: 1 });
        await store.assignDeviceGiai(dev, "4012345SENSOR1");
        const outcome = await store.rotateDevice({
          from: dev,
          to: { address: dev2, publicKey: publicKey("2"), label: "d2" },
          at: 40,
        });
        expect(outcome).toMatchObject({
          status: "rotated",
          from: { address: dev, revokedAt: 40, rotatedTo: dev2, giai: null },
          to: { address: dev2, registeredAt: 40, rotatedFrom: dev, revokedAt: null, giai: "4012345SENSOR1" },
        });
        expect((await store.findDeviceByGiai("4012345SENSOR1"))?.address).toBe(dev2);
      });

      it("refuses a rotation in the registry contract's order: new key taken, then old key unknown, then revoked", async () => {
        await store.registerDevice({ address: dev, publicKey: publicKey("1"), label: "d", registeredAt: 1 });
        await store.registerDevice({
          address: dev2,
          publicKey: publicKey("2"),
          label: "d2",
          registeredAt: 1,
        });
        const to = (a: Address) => ({ address: a, publicKey: publicKey(a), label: "n" });
        expect((await store.rotateDevice({ from: address("nobody"), to: to(dev2), at: 5 })).status).toBe(
          "already-registered",
        );
        expect((await store.rotateDevice({ from: dev, to: to(dev), at: 5 })).status).toBe(
          "already-registered",
        );
        expect(
          (await store.rotateDevice({ from: address("nobody"), to: to(address("n1")), at: 5 })).status,
        ).toBe("unknown");
        await store.revokeDevice(dev, 3);
        expect((await store.rotateDevice({ from: dev, to: to(address("n2")), at: 5 })).status).toBe(
          "revoked",
        );
        // Nothing of a refused rotation was written.
        expect(await store.getDevice(address("n1"))).toBeUndefined();
        expect(await store.getDevice(address("n2"))).toBeUndefined();
      });

      it("gives a device one GIAI and a GIAI one device", async () => {
        await store.registerDevice({ address: dev, publicKey: publicKey("1"), label: "d", registeredAt: 1 });
        await store.registerDevice({
          address: dev2,
          publicKey: publicKey("2"),
          label: "d2",
          registeredAt: 1,
        });
        expect(await store.assignDeviceGiai(dev, "G1")).toMatchObject({
          status: "assigned",
          device: { address: dev, giai: "G1" },
        });
        expect((await store.assignDeviceGiai(dev, "G1")).status).toBe("unchanged");
        expect((await store.assignDeviceGiai(dev, "G2")).status).toBe("conflict");
        expect(await store.assignDeviceGiai(dev2, "G1")).toEqual({ status: "taken", holder: dev });
        expect((await store.assignDeviceGiai(address("nobody"), "G3")).status).toBe("unknown");
        expect((await store.findDeviceByGiai("G1"))?.address).toBe(dev);
        expect(await store.findDeviceByGiai("G2")).toBeUndefined();
        expect((await store.getDevice(dev2))?.giai).toBeNull();
      });
    });

    describe("messages", () => {
      it("stores a reading with its exact bytes and reads every field back", async () => {
        const r = reading(dev, 1);
        expect(await store.insertMessage(r)).toEqual({ status: "inserted" });
        expect(await store.getMessage(r.messageId)).toEqual({ ...r, batchId: null });
        expect(await store.getMessage(`0x${"ee".repeat(32)}`)).toBeUndefined();
        expect(await store.countMessages()).toBe(1);
      });

      it("acknowledges an identical duplicate again and stores it once", async () => {
        const r = reading(dev, 1);
        await store.insertMessage(r);
        expect(await store.insertMessage(r)).toEqual({ status: "duplicate" });
        expect(await store.countMessages()).toBe(1);
      });

      it("refuses another message with a used (device, seq) as equivocation, naming the stored one", async () => {
        const r = reading(dev, 1);
        await store.insertMessage(r);
        const twin = reading(dev, 1, { variant: "twin" });
        expect(await store.insertMessage(twin)).toEqual({ status: "equivocation", existingId: r.messageId });
        expect(await store.getMessage(twin.messageId)).toBeUndefined();
        // The same seq of another device is no conflict.
        expect(await store.insertMessage(reading(dev2, 1))).toEqual({ status: "inserted" });
      });

      it("When many inserts arrive at once (one group commit), then each gets its own outcome and arrival numbers stay dense", async () => {
        const batch = Array.from({ length: 60 }, (_, i) =>
          reading(i % 2 ? dev : dev2, Math.floor(i / 2) + 1),
        );
        const twin = reading(dev, 3, { variant: "twin" });
        const outcomes = await Promise.all([
          ...batch.map((r) => store.insertMessage(r)),
          store.insertMessage(batch[0]!),
          store.insertMessage(twin),
        ]);
        expect(outcomes.slice(0, 60).every((o) => o.status === "inserted")).toBe(true);
        expect(outcomes[60]).toEqual({ status: "duplicate" });
        expect(outcomes[61]).toEqual({ status: "equivocation", existingId: reading(dev, 3).messageId });
        const listed = await store.listMessages({ limit: 100 });
        expect(listed.messages.map((m) => m.arrival)).toEqual(
          Array.from({ length: 60 }, (_, i) => listed.messages[0]!.arrival + i),
        );
      });

      it("lists a device's readings by seq within a device-time window, up to a limit", async () => {
        await readings(dev, 5);
        await readings(dev2, 2);
        const all = await store.listDeviceMessages(dev);
        expect(all.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
        const window = await store.listDeviceMessages(dev, {
          fromTs: reading(dev, 2).deviceTs,
          toTs: reading(dev, 4).deviceTs,
          limit: 2,
        });
        expect(window.map((m) => m.seq)).toEqual([2, 3]);
      });

      it("lists in arrival order by default, by seq for a device, by receive time for a window, and resumes after a cursor", async () => {
        await store.insertMessage(reading(dev, 1, { receivedAt: 30 }));
        await store.insertMessage(reading(dev2, 1, { receivedAt: 10 }));
        await store.insertMessage(reading(dev, 2, { receivedAt: 20 }));
        await store.insertMessage(reading(dev, 3, { receivedAt: 20 }));

        const arrival = await store.listMessages({ limit: 10 });
        expect(arrival.order).toBe("arrival");
        expect(arrival.messages.map((m) => [m.device, m.seq])).toEqual([
          [dev, 1],
          [dev2, 1],
          [dev, 2],
          [dev, 3],
        ]);
        const page1 = await store.listMessages({ limit: 2 });
        const last = page1.messages[1]!;
        const page2 = await store.listMessages({
          limit: 10,
          after: { seq: last.seq, receivedAt: last.receivedAt, arrival: last.arrival },
        });
        expect([...page1.messages, ...page2.messages]).toEqual(arrival.messages);

        const bySeq = await store.listMessages({ device: dev, limit: 2 });
        expect(bySeq.order).toBe("seq");
        expect(bySeq.messages.map((m) => m.seq)).toEqual([1, 2]);
        const bySeq2 = await store.listMessages({
          device: dev,
          limit: 10,
          after: { seq: 2, receivedAt: 0, arrival: 0 },
        });
        expect(bySeq2.messages.map((m) => m.seq)).toEqual([3]);

        const received = await store.listMessages({ receivedFrom: 15, limit: 10 });
        expect(received.order).toBe("received");
        // Ties on receive time come in arrival order.
        expect(received.messages.map((m) => [m.receivedAt, m.seq])).toEqual([
          [20, 2],
          [20, 3],
          [30, 1],
        ]);
        const first = received.messages[0]!;
        const resumed = await store.listMessages({
          receivedFrom: 15,
          limit: 10,
          after: { seq: first.seq, receivedAt: first.receivedAt, arrival: first.arrival },
        });
        expect(resumed.messages.map((m) => [m.receivedAt, m.seq])).toEqual([
          [20, 3],
          [30, 1],
        ]);
        const window = await store.listMessages({
          deviceTsFrom: reading(dev, 2).deviceTs,
          deviceTsTo: reading(dev, 2).deviceTs,
          limit: 10,
        });
        expect(window.messages.map((m) => [m.device, m.seq])).toEqual([[dev, 2]]);
      });

      it("lists by batch and by summary anchor status over the given targets", async () => {
        await readings(dev, 2);
        const b1 = await sealAll("1");
        await readings(dev, 2, 3);
        const b2 = await sealAll("2");
        await readings(dev, 1, 5);
        await store.putAnchor(target, b1.id, { status: "included", txHash: `0x${"aa".repeat(32)}` });
        // Another target's progress does not count for a query over `target` only.
        await store.putAnchor(other, b2.id, { status: "final" });

        const seqs = async (query: Parameters<Store["listMessages"]>[0]) =>
          (await store.listMessages(query)).messages.map((m) => m.seq);
        expect(await seqs({ batchId: b2.id, limit: 10 })).toEqual([3, 4]);
        expect(await seqs({ batchId: 999, limit: 10 })).toEqual([]);
        expect(await seqs({ anchorStatus: { status: "pending", targets: [target] }, limit: 10 })).toEqual([
          5,
        ]);
        expect(await seqs({ anchorStatus: { status: "included", targets: [target] }, limit: 10 })).toEqual([
          1, 2,
        ]);
        expect(await seqs({ anchorStatus: { status: "sealed", targets: [target] }, limit: 10 })).toEqual([
          3, 4,
        ]);
        expect(
          await seqs({ anchorStatus: { status: "final", targets: [target, other] }, limit: 10 }),
        ).toEqual([3, 4]);
        // Contracts compare without regard to case, as the API's summary does.
        const upper = {
          chainId: target.chainId,
          contract: target.contract.toUpperCase().replace("0X", "0x") as Address,
        };
        expect(await seqs({ anchorStatus: { status: "included", targets: [upper] }, limit: 10 })).toEqual([
          1, 2,
        ]);
        expect(
          (await store.listMessages({ batchId: b1.id, limit: 10 })).messages.every(
            (m) => m.batchId === b1.id,
          ),
        ).toBe(true);
      });
    });

    describe("batches", () => {
      it("summarises the unbatched messages in arrival order, at most maxSize ahead", async () => {
        expect(await store.unbatchedSummary(10)).toEqual({ count: 0, lastN: 0, oldestReceivedAt: null });
        await readings(dev, 5);
        const all = await store.unbatchedSummary(10);
        expect(all.count).toBe(5);
        expect(all.oldestReceivedAt).toBe(reading(dev, 1).receivedAt);
        const three = await store.unbatchedSummary(3);
        expect(three.count).toBe(3);
        const ids = await store.readUnbatchedIds(await store.lastBatchedN(), three.lastN, 100);
        expect(ids.count).toBe(3);
        expect(ids.lastN).toBe(three.lastN);
        const hexIds = Array.from({ length: 3 }, (_, i) =>
          Buffer.from(ids.ids.subarray(i * 32, i * 32 + 32)).toString("hex"),
        ).map((h) => `0x${h}`);
        expect(hexIds).toEqual([1, 2, 3].map((s) => reading(dev, s).messageId));
      });

      it("seals a batch over the unbatched run; its messages know their batch; the next batch starts after it", async () => {
        const stored = await readings(dev, 3);
        const pending = await store.unbatchedSummary(2);
        const b1 = await store.sealBatch({ root: root("1"), sealedAt: 7, lastN: pending.lastN, size: 2 });
        expect(b1).toEqual({ id: b1.id, root: root("1"), size: 2, sealedAt: 7 });
        expect(await store.lastBatchedN()).toBe(pending.lastN);
        expect(await store.getBatch(b1.id)).toEqual(b1);
        expect(await store.batchMessageIds(b1.id)).toEqual(stored.slice(0, 2).map((r) => r.messageId));
        expect((await store.getMessage(stored[0]!.messageId))?.batchId).toBe(b1.id);
        expect((await store.getMessage(stored[2]!.messageId))?.batchId).toBeNull();
        expect((await store.unbatchedSummary(10)).count).toBe(1);
        const b2 = await sealAll("2");
        expect(b2.id).toBeGreaterThan(b1.id);
        expect(await store.batchMessageIds(b2.id)).toEqual([stored[2]!.messageId]);
        expect((await store.listBatches()).map((b) => b.id)).toEqual([b1.id, b2.id]);
        expect((await store.listBatches({ afterId: b1.id, limit: 5 })).map((b) => b.id)).toEqual([b2.id]);
        expect(await store.getBatch(b2.id + 100)).toBeUndefined();
      });

      it("refuses a seal whose size does not match the unbatched messages (BATCH_CONFLICT), writing nothing", async () => {
        await readings(dev, 3);
        const pending = await store.unbatchedSummary(10);
        await expect(
          store.sealBatch({ root: root("x"), sealedAt: 1, lastN: pending.lastN, size: 2 }),
        ).rejects.toMatchObject({ code: StoreErrorCode.BatchConflict });
        expect(await store.listBatches()).toEqual([]);
        expect(await store.lastBatchedN()).toBe(0);
      });
    });

    describe("anchors", () => {
      it("lists the batches a target has no record for, oldest first; another target's records do not count", async () => {
        await readings(dev, 1);
        const b1 = await sealAll("1");
        await readings(dev, 1, 2);
        const b2 = await sealAll("2");
        await readings(dev, 1, 3);
        const b3 = await sealAll("3");
        expect((await store.batchesToAnchor(target, 10)).map((b) => b.id)).toEqual([b1.id, b2.id, b3.id]);
        await store.putAnchor(target, b2.id, { status: "submitted" });
        await store.putAnchor(other, b1.id, { status: "submitted" });
        expect((await store.batchesToAnchor(target, 10)).map((b) => b.id)).toEqual([b1.id, b3.id]);
        expect((await store.batchesToAnchor(target, 1)).map((b) => b.id)).toEqual([b1.id]);
        await store.putAnchor(target, b1.id, { status: "submitted" });
        expect(await store.batchesToAnchor(target, 10)).toEqual([b3]);
      });

      it("creates an anchor record, then updates it keeping the fields an update leaves out", async () => {
        await readings(dev, 1);
        const b = await sealAll("1");
        const created = await store.putAnchor(target, b.id, {
          status: "submitted",
          txHash: `0x${"ab".repeat(32)}`,
          nonce: 3,
          rawTx: "0x02f8",
          maxFeePerGas: "1000",
          maxPriorityFeePerGas: "10",
          submittedAt: 100,
          attempts: 1,
          updatedAt: 100,
        });
        expect(created).toEqual({
          ...target,
          batchId: b.id,
          root: b.root,
          status: "submitted",
          txHash: `0x${"ab".repeat(32)}`,
          nonce: 3,
          rawTx: "0x02f8",
          maxFeePerGas: "1000",
          maxPriorityFeePerGas: "10",
          submittedAt: 100,
          attempts: 1,
          blockNumber: null,
          blockTimestamp: null,
          gasUsed: null,
          feeWei: null,
          updatedAt: 100,
        });
        const included = await store.putAnchor(target, b.id, {
          status: "included",
          blockNumber: 12,
          blockTimestamp: 1_700,
          gasUsed: "59332",
          feeWei: "123",
          updatedAt: 200,
        });
        expect(included).toEqual({
          ...created,
          status: "included",
          blockNumber: 12,
          blockTimestamp: 1_700,
          gasUsed: "59332",
          feeWei: "123",
          updatedAt: 200,
        });
        expect(await store.getAnchors(b.id)).toEqual([included]);
        expect(await store.listAnchors(target, ["included", "final"])).toEqual([included]);
        expect(await store.listAnchors(target, ["submitted"])).toEqual([]);
        expect(await store.anchorsOfBatches([b.id, 999])).toEqual(
          new Map([[b.id, [{ chainId: target.chainId, contract: target.contract, status: "included" }]]]),
        );
      });

      it("When a target's chain is reset, then its records go and its batches are due again; other targets keep theirs", async () => {
        await readings(dev, 1);
        const b = await sealAll("1");
        await store.putAnchor(target, b.id, { status: "final" });
        await store.putAnchor(other, b.id, { status: "final" });
        expect(await store.resetAnchors(target)).toBe(1);
        expect((await store.batchesToAnchor(target, 10)).map((x) => x.id)).toEqual([b.id]);
        expect((await store.getAnchors(b.id)).map((a) => a.chainId)).toEqual([other.chainId]);
      });
    });

    it("keeps key/value metadata, the last write winning", async () => {
      expect(await store.getMeta("genesis")).toBeUndefined();
      await store.setMeta("genesis", "0x01");
      await store.setMeta("genesis", "0x02");
      expect(await store.getMeta("genesis")).toBe("0x02");
    });

    describe("organisations", () => {
      const k1 = address("org key 1");
      const k2 = address("org key 2");
      const create = (id: string, glns: string[], keys: Address[], createdAt = 1) =>
        store.createOrganisation({
          id,
          name: `${id} GmbH`,
          glns,
          keys: keys.map((a) => ({ address: a, publicKey: publicKey(a) })),
          createdAt,
        });

      it("creates an organisation with its GLNs (sorted) and keys; nothing is written when the id, a GLN or a key is taken", async () => {
        const created = await create("acme", ["4012345000023", "4012345000016"], [k1], 5);
        expect(created).toEqual({
          status: "created",
          organisation: {
            id: "acme",
            name: "acme GmbH",
            glns: ["4012345000016", "4012345000023"],
            createdAt: 5,
            keys: [
              {
                address: k1,
                organisation: "acme",
                publicKey: publicKey(k1),
                registeredAt: 5,
                revokedAt: null,
                rotatedFrom: null,
                rotatedTo: null,
              },
            ],
          },
        });
        expect((await create("acme", [], [])).status).toBe("id-taken");
        expect(await create("beta", ["4012345000099", "4012345000016"], [k2])).toEqual({
          status: "gln-taken",
          gln: "4012345000016",
          organisation: "acme",
        });
        expect(await create("beta", ["4012345000099"], [k2, k1])).toEqual({
          status: "key-taken",
          address: k1,
        });
        expect(await store.getOrganisation("beta")).toBeUndefined();
        expect(await store.getOrganisationKey(k2)).toBeUndefined();
        await create("beta", ["4012345000099"], [k2], 3);
        expect((await store.listOrganisations()).map((o) => o.id)).toEqual(["beta", "acme"]);
      });

      it("adds, revokes and rotates an organisation's keys with the device keys' outcomes", async () => {
        await create("acme", [], [k1]);
        await create("beta", [], [k2]);
        const k3 = address("org key 3");
        const k4 = address("org key 4");
        expect(
          (await store.addOrganisationKey("nobody", { address: k3, publicKey: publicKey(k3) }, 2)).status,
        ).toBe("unknown-organisation");
        expect(
          (await store.addOrganisationKey("acme", { address: k2, publicKey: publicKey(k2) }, 2)).status,
        ).toBe("key-taken");
        expect(
          await store.addOrganisationKey("acme", { address: k3, publicKey: publicKey(k3) }, 2),
        ).toMatchObject({
          status: "added",
          key: { address: k3, organisation: "acme", registeredAt: 2 },
        });
        // Another organisation's key is "unknown" here: no probing across organisations.
        expect((await store.revokeOrganisationKey("acme", k2, 3)).status).toBe("unknown");
        expect((await store.revokeOrganisationKey("acme", k3, 3)).status).toBe("revoked");
        expect(await store.revokeOrganisationKey("acme", k3, 4)).toMatchObject({
          status: "already-revoked",
          key: { revokedAt: 3 },
        });
        const to = { address: k4, publicKey: publicKey(k4) };
        expect(
          (
            await store.rotateOrganisationKey({
              organisation: "acme",
              from: k1,
              to: { ...to, address: k2 },
              at: 5,
            })
          ).status,
        ).toBe("key-taken");
        expect(
          (await store.rotateOrganisationKey({ organisation: "acme", from: k2, to, at: 5 })).status,
        ).toBe("unknown");
        expect(
          (await store.rotateOrganisationKey({ organisation: "acme", from: k3, to, at: 5 })).status,
        ).toBe("revoked");
        expect(
          await store.rotateOrganisationKey({ organisation: "acme", from: k1, to, at: 5 }),
        ).toMatchObject({
          status: "rotated",
          from: { address: k1, revokedAt: 5, rotatedTo: k4 },
          to: { address: k4, organisation: "acme", registeredAt: 5, rotatedFrom: k1 },
        });
        expect((await store.getOrganisation("acme"))?.keys.map((k) => k.address)).toEqual([k1, k3, k4]);
      });

      it("finds an active credential by its token's digest only", async () => {
        await create("acme", [], []);
        const digest = publicKey("token").subarray(1);
        const credential = { id: "c1", organisation: "acme", label: "ci", createdAt: 9, revokedAt: null };
        expect(await store.createCredential({ ...credential, tokenSha256: digest })).toEqual(credential);
        expect(await store.findCredential(digest)).toEqual(credential);
        expect(await store.findCredential(publicKey("other").subarray(1))).toBeUndefined();
        await store.createCredential({
          ...credential,
          id: "c2",
          revokedAt: 10,
          tokenSha256: publicKey("old").subarray(1),
        });
        expect(await store.findCredential(publicKey("old").subarray(1))).toBeUndefined();
      });
    });

    describe("events", () => {
      it("stores events beside readings: batched with them, never listed as readings, found by every key", async () => {
        await store.insertMessage(reading(dev, 1));
        const e = event("1");
        expect(await store.insertEvents([e], { allOrNothing: true })).toEqual([{ status: "inserted" }]);
        await store.insertMessage(reading(dev, 2));
        // A signer's events have no seq: many of them pass the (device, seq) rule.
        expect(await store.insertEvents([event("2"), event("3")], { allOrNothing: true })).toEqual([
          { status: "inserted" },
          { status: "inserted" },
        ]);
        const b = await sealAll("1");
        expect(b.size).toBe(5);
        expect(await store.batchMessageIds(b.id)).toContain(e.messageId);
        expect(await store.getMessage(e.messageId)).toBeUndefined();
        expect((await store.listMessages({ limit: 10 })).messages.map((m) => m.seq)).toEqual([1, 2]);
        const found = await store.findEvent({ messageId: e.messageId });
        expect(found).toEqual({ ...e, batchId: b.id, arrival: found!.arrival });
        expect(await store.findEvent({ eventId: e.eventId })).toEqual(found);
        expect(await store.findEvent({ eventHash: e.eventHash })).toEqual(found);
        expect(await store.findEvent({ eventHash: "ni:///sha-256;00?ver=CBV2.0" })).toBeUndefined();
        expect(await store.countMessages()).toBe(5);
      });

      it("refuses duplicates: all-or-nothing stores none of the group, otherwise the others are stored", async () => {
        const e1 = event("1");
        await store.insertEvents([e1], { allOrNothing: true });
        const sameEventOtherBytes = event("1", { messageId: `0x${"22".repeat(32)}`, raw: new Uint8Array(4) });
        expect(
          await store.insertEvents([event("2"), sameEventOtherBytes, e1], { allOrNothing: true }),
        ).toEqual([
          { status: "not-stored" },
          { status: "duplicate-event", existingMessageId: e1.messageId },
          { status: "duplicate-message" },
        ]);
        expect(await store.findEvent({ eventHash: event("2").eventHash })).toBeUndefined();
        expect(await store.countMessages()).toBe(1);
        expect(
          await store.insertEvents([event("2"), sameEventOtherBytes, event("2")], { allOrNothing: false }),
        ).toEqual([
          { status: "inserted" },
          { status: "duplicate-event", existingMessageId: e1.messageId },
          { status: "duplicate-message" },
        ]);
        expect(await store.countMessages()).toBe(2);
      });

      describe("EPCIS queries", () => {
        const q = (query: Partial<EventQuery>): EventQuery => ({
          viewer: { kind: "admin" },
          limit: 100,
          ...query,
        });
        const serials = async (query: Partial<EventQuery>) =>
          (await store.queryEvents(q(query))).events.map(serialOf);

        it("pages in event-time order, ties by arrival, and says whether more follow", async () => {
          await store.insertEvents(
            [
              event("c", { eventTime: 300 }),
              event("a", { eventTime: 100 }),
              event("b1", { eventTime: 200 }),
              event("b2", { eventTime: 200 }),
            ],
            { allOrNothing: true },
          );
          const page = await store.queryEvents(q({ limit: 2 }));
          expect(page.events.map(serialOf)).toEqual(["a", "b1"]);
          expect(page.more).toBe(true);
          const last = page.events[1]!;
          const rest = await store.queryEvents(
            q({ limit: 2, after: { eventTime: last.eventTime, arrival: last.arrival } }),
          );
          expect(rest.events.map(serialOf)).toEqual(["b2", "c"]);
          expect(rest.more).toBe(false);
        });

        it("narrows by type, times, action, business step, disposition, identifiers and event ids (AND of ORs)", async () => {
          const parent = SSCC("1");
          await store.insertEvents(
            [
              event("1", {
                eventTime: 100,
                recordTime: 1_000,
                bizStep: "shipping",
                disposition: "in_transit",
              }),
              event("2", { eventTime: 200, recordTime: 2_000, bizStep: "receiving", action: "ADD" }),
              event("3", {
                type: "AggregationEvent",
                eventTime: 300,
                action: "ADD",
                bizStep: "packing",
                epcs: [
                  { epc: parent, role: "parent" },
                  { epc: DL("1"), role: "child" },
                ],
              }),
            ],
            { allOrNothing: true },
          );
          expect(await serials({ eventTypes: ["AggregationEvent"] })).toEqual(["3"]);
          expect(await serials({ eventTime: { ge: 150, lt: 300 } })).toEqual(["2"]);
          expect(await serials({ recordTime: { lt: 1_500 } })).toEqual(["1"]);
          expect(await serials({ actions: ["ADD"], bizSteps: ["receiving", "packing"] })).toEqual(["2", "3"]);
          expect(await serials({ dispositions: ["in_transit"] })).toEqual(["1"]);
          expect(await serials({ epcs: [{ roles: ["epc"], epcs: [DL("1")] }] })).toEqual(["1"]);
          expect(await serials({ epcs: [{ roles: ["epc", "child"], epcs: [DL("1")] }] })).toEqual(["1", "3"]);
          expect(
            await serials({
              epcs: [
                { roles: ["child"], epcs: [DL("1")] },
                { roles: ["parent"], epcs: [parent] },
              ],
            }),
          ).toEqual(["3"]);
          expect(await serials({ epcs: [{ roles: ["parent"], epcs: [DL("1")] }] })).toEqual([]);
          expect(await serials({ eventIds: [event("2").eventId, "urn:uuid:none"] })).toEqual(["2"]);
        });

        it("matches a location exactly, or within a GLN: the GLN itself and its extensions, not a longer GLN", async () => {
          await store.insertEvents(
            [
              event("1", { bizLocation: GLN, readPoint: `${GLN}/254/dock1` }),
              event("2", { bizLocation: `${GLN}/254/cold` }),
              event("3", { bizLocation: `${GLN}0` }),
            ],
            { allOrNothing: true },
          );
          expect(await serials({ bizLocation: { exact: [GLN], within: [] } })).toEqual(["1"]);
          expect(await serials({ bizLocation: { exact: [], within: [GLN] } })).toEqual(["1", "2"]);
          expect(await serials({ readPoint: { exact: [`${GLN}/254/dock1`], within: [] } })).toEqual(["1"]);
          expect(await serials({ readPoint: { exact: [], within: [] } })).toEqual([]);
        });

        it("matches sensor reports by type, device and value, temperatures compared across units", async () => {
          const sensorEvent = (serial: string, report: Record<string, unknown>, metadata = {}) => {
            const body = {
              type: "ObjectEvent",
              serial,
              sensorElementList: [{ sensorMetadata: metadata, sensorReport: [report] }],
            };
            return event(serial, { eventJson: JSON.stringify(body) });
          };
          await store.insertEvents(
            [
              sensorEvent(
                "cold",
                { type: "gs1:Temperature", value: 4, uom: "CEL" },
                {
                  deviceID: "urn:epc:id:giai:4012345.ABC1",
                },
              ),
              sensorEvent("warm", { type: "Temperature", value: 50, uom: "FAH" }),
              sensorEvent("wet", { type: "https://gs1.org/voc/Humidity", value: 80, uom: "A93" }),
              event("none"),
            ],
            { allOrNothing: true },
          );
          expect(await serials({ sensorReport: { types: ["Temperature"] } })).toEqual(["cold", "warm"]);
          expect(await serials({ sensorReport: { types: ["Humidity"] } })).toEqual(["wet"]);
          expect(
            await serials({ sensorReport: { deviceIds: ["https://id.gs1.org/8004/4012345ABC1"] } }),
          ).toEqual(["cold"]);
          // 50 °F is 10 °C; 4 °C is 277.15 K.
          expect(await serials({ sensorReport: { values: [{ uom: "CEL", ge: 5 }] } })).toEqual(["warm"]);
          expect(await serials({ sensorReport: { values: [{ uom: "KEL", ge: 277.15, lt: 280 }] } })).toEqual([
            "cold",
          ]);
          expect(await serials({ sensorReport: { values: [{ uom: "A93", ge: 50 }] } })).toEqual(["wet"]);
          expect(await serials({ sensorReport: {} })).toEqual(["cold", "warm", "wet"]);
        });

        it("shows anyone public events, an organisation also its own and those about objects it captured, admin all", async () => {
          await store.insertEvents(
            [
              event("pub", { visibility: "public", organisation: "beta" }),
              event("mine", { organisation: "acme" }),
              // Beta's private event about an object acme captured an event about: part of its history.
              event("about", {
                organisation: "beta",
                eventJson: JSON.stringify({ serial: "about" }),
                epcs: [{ epc: DL("mine"), role: "epc" }],
              }),
              // A product class grants nothing: everyone's products share it.
              event("class", {
                organisation: "beta",
                epcs: [
                  { epc: "https://id.gs1.org/01/04012345111118", role: "class" },
                  { epc: DL("other"), role: "epc" },
                ],
              }),
            ],
            { allOrNothing: true },
          );
          expect(await serials({ viewer: { kind: "anonymous" } })).toEqual(["pub"]);
          expect(await serials({ viewer: { kind: "organisation", id: "acme" } })).toEqual([
            "pub",
            "mine",
            "about",
          ]);
          expect(await serials({ viewer: { kind: "organisation", id: "gamma" } })).toEqual(["pub"]);
          expect(await serials({ viewer: { kind: "admin" } })).toEqual(["pub", "mine", "about", "class"]);
        });
      });

      it("keeps capture jobs, finds the running ones after a restart, and the events a job stored", async () => {
        await store.createCaptureJob({
          id: "j2",
          organisation: "acme",
          state: "running",
          createdAt: 20,
          finishedAt: null,
          result: {},
        });
        await store.createCaptureJob({
          id: "j1",
          organisation: null,
          state: "running",
          createdAt: 10,
          finishedAt: null,
          result: {},
        });
        expect((await store.listRunningCaptureJobs()).map((j) => j.id)).toEqual(["j1", "j2"]);
        const result = { errors: [{ index: 0, code: "BAD" }], "$odd.key": true };
        await store.finishCaptureJob("j2", { state: "failed", finishedAt: 30, result });
        expect(await store.getCaptureJob("j2")).toEqual({
          id: "j2",
          organisation: "acme",
          state: "failed",
          createdAt: 20,
          finishedAt: 30,
          result,
        });
        expect((await store.listRunningCaptureJobs()).map((j) => j.id)).toEqual(["j1"]);
        expect(await store.getCaptureJob("nope")).toBeUndefined();

        const a = event("a", { recordTime: 20, organisation: "acme" });
        const b = event("b", { recordTime: 20, organisation: "acme" });
        await store.insertEvents([a, b, event("c", { recordTime: 20, organisation: "beta" })], {
          allOrNothing: true,
        });
        expect(await store.eventsRecordedAt("acme", 20)).toEqual([
          { eventId: a.eventId, messageId: a.messageId },
          { eventId: b.eventId, messageId: b.messageId },
        ]);
      });
    });

    describe("provenance", () => {
      it("finds every event naming a product or its units, oldest first, with all its identifiers and batch", async () => {
        const pallet = SSCC("7");
        await store.insertEvents(
          [
            event("ship", { eventTime: 300, epcs: [{ epc: DL("p1"), role: "epc" }] }),
            event("pack", {
              eventTime: 100,
              epcs: [
                { epc: pallet, role: "parent" },
                { epc: DL("p1"), role: "child" },
              ],
            }),
            event("move", { eventTime: 200, epcs: [{ epc: pallet, role: "epc" }] }),
            event("unrelated", { eventTime: 50 }),
          ],
          { allOrNothing: true },
        );
        const b = await sealAll("1");
        const found = await store.eventsNaming([DL("p1"), pallet]);
        expect(found.map(serialOf)).toEqual(["pack", "move", "ship"]);
        expect(found[0]).toMatchObject({
          eventTime: 100,
          batchId: b.id,
          organisation: "acme",
          signedBy: "attester",
        });
        // Every identifier with its role; the interface promises no order among them.
        expect(found[0]!.epcs).toHaveLength(2);
        expect(found[0]!.epcs).toEqual(
          expect.arrayContaining([
            { epc: DL("p1"), role: "child" },
            { epc: pallet, role: "parent" },
          ]),
        );
        expect(await store.eventsNaming([])).toEqual([]);
      });

      it("reads a device's readings in a time window with the one before and the one after, prev and temperature included", async () => {
        await readings(dev, 6);
        await readings(dev2, 3);
        const b = await sealAll("1");
        const window = await store.readingsAround(dev, reading(dev, 2).deviceTs, reading(dev, 4).deviceTs);
        expect(window.truncated).toBe(false);
        expect(window.before).toEqual({
          seq: 1,
          ts: reading(dev, 1).deviceTs,
          messageId: reading(dev, 1).messageId,
          prev: prevOf(dev, 1),
          tempC: 4 + (1 % 3),
          batchId: b.id,
        });
        expect(window.within.map((r) => [r.seq, r.prev, r.tempC])).toEqual(
          [2, 3, 4].map((s) => [s, prevOf(dev, s), 4 + (s % 3)]),
        );
        expect(window.after?.seq).toBe(5);
        const edge = await store.readingsAround(dev, 0, reading(dev, 1).deviceTs);
        expect(edge.before).toBeNull();
        expect(edge.within.map((r) => r.seq)).toEqual([1]);
        const none = await store.readingsAround(address("nobody"), 0, 10 ** 13);
        expect(none).toEqual({ before: null, within: [], after: null, truncated: false });
      });

      it("creates and replaces a temperature profile, saying which", async () => {
        const profile = {
          gtin: "04012345111118",
          name: "chilled",
          minC: 2,
          maxC: 8,
          maxSingleExcursionMs: 1_800_000,
          maxCumulativeExcursionMs: 3_600_000,
          updatedAt: 1,
        };
        expect(await store.putTemperatureProfile(profile)).toEqual({ created: true, profile });
        const changed = { ...profile, maxC: 6, updatedAt: 2 };
        expect(await store.putTemperatureProfile(changed)).toEqual({ created: false, profile: changed });
        expect(await store.getTemperatureProfile(profile.gtin)).toEqual(changed);
        expect(await store.getTemperatureProfile("default")).toBeUndefined();
      });
    });

    it("refuses writes after close with STORE_CLOSED", async () => {
      await store.close();
      await expect(store.insertMessage(reading(dev, 1))).rejects.toMatchObject({
        code: StoreErrorCode.Closed,
      });
    });
  });
}
