import { expect } from "chai";
import { network } from "hardhat";
import { describe, it } from "mocha";
import { ANCHORER_ROLE, deploySealtrail, REGISTRAR_ROLE } from "../index.ts";

const { ethers, networkHelpers } = await network.create({ chainType: "op" });

const METADATA = ethers.id("model=ST-1;serial=0001");

async function deployRegistryFixture() {
  const [deployer, admin, registrar, gateway, stranger] = await ethers.getSigners();
  const deployment = await deploySealtrail(deployer!, {
    admin: admin!.address,
    anchorers: [gateway!.address],
    registrars: [registrar!.address],
  });
  const registry = deployment.deviceRegistry.contract;
  // Device keys are plain secp256k1 keys that never send transactions: only their addresses matter here.
  const [device, nextDevice, thirdDevice] = [1, 2, 3].map(
    (i) => new ethers.Wallet(ethers.id(`device key ${i}`)).address,
  );
  return {
    registry,
    asRegistrar: registry.connect(registrar!),
    registrarAddress: registrar!.address,
    admin: admin!,
    gateway: gateway!,
    stranger: stranger!,
    device: device!,
    nextDevice: nextDevice!,
    thirdDevice: thirdDevice!,
  };
}

async function timestampOf(tx: { wait(): Promise<{ blockNumber: number } | null> }): Promise<number> {
  const receipt = await tx.wait();
  return (await ethers.provider.getBlock(receipt!.blockNumber))!.timestamp;
}

describe("SealtrailDeviceRegistry", () => {
  describe("register", () => {
    it("stores the registration time and metadata hash and emits DeviceRegistered(device, registrar, hash, time)", async () => {
      const { asRegistrar, registrarAddress, device } =
        await networkHelpers.loadFixture(deployRegistryFixture);
      const tx = await asRegistrar.register(device, METADATA);
      const at = await timestampOf(tx);

      await expect(tx)
        .to.emit(asRegistrar, "DeviceRegistered")
        .withArgs(device, registrarAddress, METADATA, at);
      expect(await asRegistrar.registeredAt(device)).to.equal(BigInt(at));
      expect(await asRegistrar.revokedAt(device)).to.equal(0n);
      expect(await asRegistrar.metadataHashOf(device)).to.equal(METADATA);
      expect(await asRegistrar.isActive(device)).to.equal(true);
    });

    it("refuses the zero address with SealtrailDeviceRegistryZeroAddress", async () => {
      const { asRegistrar } = await networkHelpers.loadFixture(deployRegistryFixture);
      await expect(asRegistrar.register(ethers.ZeroAddress, METADATA)).to.be.revertedWithCustomError(
        asRegistrar,
        "SealtrailDeviceRegistryZeroAddress",
      );
    });

    it("refuses an active device with SealtrailDeviceRegistryAlreadyRegistered(device, registeredAt)", async () => {
      const { asRegistrar, device } = await networkHelpers.loadFixture(deployRegistryFixture);
      const at = await timestampOf(await asRegistrar.register(device, METADATA));
      await expect(asRegistrar.register(device, ethers.ZeroHash))
        .to.be.revertedWithCustomError(asRegistrar, "SealtrailDeviceRegistryAlreadyRegistered")
        .withArgs(device, at);
    });

    it("never re-registers a revoked address: SealtrailDeviceRegistryDeviceRevoked(device, revokedAt)", async () => {
      const { asRegistrar, device } = await networkHelpers.loadFixture(deployRegistryFixture);
      await (await asRegistrar.register(device, METADATA)).wait();
      const revokedAt = await timestampOf(await asRegistrar.revoke(device));
      await networkHelpers.time.increase(86_400);
      await expect(asRegistrar.register(device, METADATA))
        .to.be.revertedWithCustomError(asRegistrar, "SealtrailDeviceRegistryDeviceRevoked")
        .withArgs(device, revokedAt);
    });
  });

  describe("revoke", () => {
    it("stores the revocation time, emits DeviceRevoked(device, registrar, time) and keeps the history", async () => {
      const { asRegistrar, registrarAddress, device } =
        await networkHelpers.loadFixture(deployRegistryFixture);
      const registeredAt = await timestampOf(await asRegistrar.register(device, METADATA));
      await networkHelpers.time.increase(100);
      const tx = await asRegistrar.revoke(device);
      const revokedAt = await timestampOf(tx);

      await expect(tx).to.emit(asRegistrar, "DeviceRevoked").withArgs(device, registrarAddress, revokedAt);
      expect(await asRegistrar.revokedAt(device)).to.equal(BigInt(revokedAt));
      expect(await asRegistrar.isActive(device)).to.equal(false);
      expect(await asRegistrar.isActiveAt(device, registeredAt)).to.equal(true);
      expect(await asRegistrar.isActiveAt(device, revokedAt - 1)).to.equal(true);
      expect(await asRegistrar.isActiveAt(device, revokedAt)).to.equal(false);
    });

    it("refuses an unknown device with SealtrailDeviceRegistryUnknownDevice(device)", async () => {
      const { asRegistrar, device } = await networkHelpers.loadFixture(deployRegistryFixture);
      await expect(asRegistrar.revoke(device))
        .to.be.revertedWithCustomError(asRegistrar, "SealtrailDeviceRegistryUnknownDevice")
        .withArgs(device);
    });

    it("refuses a second revocation with SealtrailDeviceRegistryDeviceRevoked and keeps the first time", async () => {
      const { asRegistrar, device } = await networkHelpers.loadFixture(deployRegistryFixture);
      await (await asRegistrar.register(device, METADATA)).wait();
      const revokedAt = await timestampOf(await asRegistrar.revoke(device));
      await expect(asRegistrar.revoke(device))
        .to.be.revertedWithCustomError(asRegistrar, "SealtrailDeviceRegistryDeviceRevoked")
        .withArgs(device, revokedAt);
      expect(await asRegistrar.revokedAt(device)).to.equal(BigInt(revokedAt));
    });
  });

  describe("rotate", () => {
    it("revokes the old key and registers the new one at the same time, linked both ways, with three events", async () => {
      const { asRegistrar, registrarAddress, device, nextDevice } =
        await networkHelpers.loadFixture(deployRegistryFixture);
      const newMetadata = ethers.id("model=ST-1;serial=0001;key=2");
      const registeredAt = await timestampOf(await asRegistrar.register(device, METADATA));
      await networkHelpers.time.increase(3600);

      const tx = await asRegistrar.rotate(device, nextDevice, newMetadata);
      const at = await timestampOf(tx);
      await expect(tx)
        .to.emit(asRegistrar, "DeviceRegistered")
        .withArgs(nextDevice, registrarAddress, newMetadata, at)
        .and.to.emit(asRegistrar, "DeviceRevoked")
        .withArgs(device, registrarAddress, at)
        .and.to.emit(asRegistrar, "DeviceRotated")
        .withArgs(device, nextDevice, registrarAddress, at);

      const oldRecord = await asRegistrar.deviceRecord(device);
      expect(oldRecord.registeredAt).to.equal(BigInt(registeredAt));
      expect(oldRecord.revokedAt).to.equal(BigInt(at));
      expect(oldRecord.rotatedTo).to.equal(nextDevice);
      expect(oldRecord.rotatedFrom).to.equal(ethers.ZeroAddress);
      expect(oldRecord.metadataHash).to.equal(METADATA);
      expect(await asRegistrar.rotatedFrom(nextDevice)).to.equal(device);
      expect(await asRegistrar.rotatedTo(device)).to.equal(nextDevice);
      expect(await asRegistrar.metadataHashOf(nextDevice)).to.equal(newMetadata);

      // The hand-over instant belongs to the new key only.
      expect(await asRegistrar.isActiveAt(device, at - 1)).to.equal(true);
      expect(await asRegistrar.isActiveAt(nextDevice, at - 1)).to.equal(false);
      expect(await asRegistrar.isActiveAt(device, at)).to.equal(false);
      expect(await asRegistrar.isActiveAt(nextDevice, at)).to.equal(true);
    });

    it("refuses to rotate from an unknown or revoked key, or to a registered, revoked, zero or identical key", async () => {
      const { asRegistrar, device, nextDevice, thirdDevice } =
        await networkHelpers.loadFixture(deployRegistryFixture);
      await expect(asRegistrar.rotate(device, nextDevice, METADATA))
        .to.be.revertedWithCustomError(asRegistrar, "SealtrailDeviceRegistryUnknownDevice")
        .withArgs(device);

      const registeredAt = await timestampOf(await asRegistrar.register(device, METADATA));
      await expect(asRegistrar.rotate(device, device, METADATA))
        .to.be.revertedWithCustomError(asRegistrar, "SealtrailDeviceRegistryAlreadyRegistered")
        .withArgs(device, registeredAt);
      await expect(asRegistrar.rotate(device, ethers.ZeroAddress, METADATA)).to.be.revertedWithCustomError(
        asRegistrar,
        "SealtrailDeviceRegistryZeroAddress",
      );

      const otherAt = await timestampOf(await asRegistrar.register(nextDevice, METADATA));
      await expect(asRegistrar.rotate(device, nextDevice, METADATA))
        .to.be.revertedWithCustomError(asRegistrar, "SealtrailDeviceRegistryAlreadyRegistered")
        .withArgs(nextDevice, otherAt);
      const nextRevokedAt = await timestampOf(await asRegistrar.revoke(nextDevice));
      await expect(asRegistrar.rotate(device, nextDevice, METADATA))
        .to.be.revertedWithCustomError(asRegistrar, "SealtrailDeviceRegistryDeviceRevoked")
        .withArgs(nextDevice, nextRevokedAt);

      const revokedAt = await timestampOf(await asRegistrar.revoke(device));
      await expect(asRegistrar.rotate(device, thirdDevice, METADATA))
        .to.be.revertedWithCustomError(asRegistrar, "SealtrailDeviceRegistryDeviceRevoked")
        .withArgs(device, revokedAt);
      expect(await asRegistrar.registeredAt(thirdDevice)).to.equal(0n);
    });
  });

  describe("roles", () => {
    it("refuses register, revoke and rotate from accounts without the registrar role, gateway keys included", async () => {
      const { registry, asRegistrar, admin, gateway, stranger, device, nextDevice } =
        await networkHelpers.loadFixture(deployRegistryFixture);
      await (await asRegistrar.register(device, METADATA)).wait();
      expect(await registry.hasRole(ANCHORER_ROLE, gateway.address)).to.equal(false);

      for (const signer of [admin, gateway, stranger]) {
        const asSigner = registry.connect(signer);
        for (const call of [
          () => asSigner.register(nextDevice, METADATA),
          () => asSigner.revoke(device),
          () => asSigner.rotate(device, nextDevice, METADATA),
        ]) {
          await expect(call())
            .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
            .withArgs(signer.address, REGISTRAR_ROLE);
        }
      }
      expect(await registry.isActive(device)).to.equal(true);
    });
  });
});
