// The store contract: device keys and their lifecycle.
import { beforeEach, describe, expect, it } from "@jest/globals";
import type { Address } from "#protocol";
import { dev, dev2, type StoreUnderTest } from "./context.ts";
import { address, publicKey } from "./fixtures.ts";

/** Registration, revocation, flags, rotation and GIAIs of device keys. */
export function devicesContract(current: () => StoreUnderTest): void {
  describe("devices", () => {
    let store: StoreUnderTest;
    beforeEach(() => {
      store = current();
    });

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
      expect((await store.rotateDevice({ from: dev, to: to(dev), at: 5 })).status).toBe("already-registered");
      expect(
        (await store.rotateDevice({ from: address("nobody"), to: to(address("n1")), at: 5 })).status,
      ).toBe("unknown");
      await store.revokeDevice(dev, 3);
      expect((await store.rotateDevice({ from: dev, to: to(address("n2")), at: 5 })).status).toBe("revoked");
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
}
